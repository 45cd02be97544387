/**
 * Getting files onto a storage: multipart upload (fields first, then the file part
 * `filename`, as PROTOCOL.md describes) and download-url. Both answer with a task that
 * puts the file in place; a checksum given with the upload is verified in that task.
 */
import { createHash } from 'node:crypto';
import { authId, type HandlerContext, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import type { StorageRecord } from '../../state/storage-state.js';
import { requireNode } from '../guests/common.js';
import { findStorage } from './lookup.js';

const FILE_NAME = /^[-\w.+ ()]+$/;
const SUFFIX: Record<string, RegExp> = {
  iso: /\.(iso|img)$/i,
  vztmpl: /\.tar\.(gz|xz|zst)$|\.tar$/i,
  import: /\.(ova|ovf|qcow2|raw|vmdk)$/i,
};

/** pve-storage Plugin.pm $vtype_subdirs: where each content type lives below the storage's path. */
const SUBDIR: Record<string, string> = { iso: 'template/iso', vztmpl: 'template/cache', import: 'import' };

interface Target {
  volid: string;
  /** The file on the node, as the task log names it. */
  path: string;
}

/** What each method says to a storage without a path (not file based) or without the content type. */
interface Refusals {
  noPath: string;
  noContent: string;
}

function checkTarget(storage: StorageRecord, content: string, fileName: string, say: Refusals): Target {
  // Status.pm upload and download_url: file based storages only (`path` in storage.cfg).
  if (storage.path === undefined) throw new SimError(500, say.noPath);
  if (!storage.content.includes(content)) throw new SimError(500, say.noContent);
  if (!FILE_NAME.test(fileName) || !SUFFIX[content]?.test(fileName)) {
    throw paramError({ filename: `invalid filename or wrong extension for '${content}'` });
  }
  return {
    volid: `${storage.storage}:${content}/${fileName}`,
    path: `${storage.path}/${SUBDIR[content]}/${fileName}`,
  };
}

const formatOf = (content: string) => (content === 'iso' ? 'iso' : content === 'vztmpl' ? 'tgz' : 'raw');

/**
 * pve-storage PVE/API2/Storage/Status.pm, the upload method: the file the HTTP server spooled
 * is copied over the target whether it exists or not ("we simply overwrite the destination
 * file if it already exists"); the checksum, when given, is checked first, in the task.
 */
export function upload(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const node = requireNode(core, str(ctx.params.node));
  const storage = findStorage(core, str(ctx.params.storage), node);
  const file = ctx.files.find((f) => f.name === 'filename') ?? ctx.files[0];
  if (!file?.fileName) throw paramError({ filename: 'property is missing and it is not optional' });
  const content = str(ctx.params.content) ?? '';
  const target = checkTarget(storage, content, file.fileName, {
    noPath: `can't upload to storage type '${storage.type}'`,
    noContent: `storage '${storage.storage}' does not support '${content}' content`,
  });
  const algorithm = str(ctx.params['checksum-algorithm']);
  const expected = str(ctx.params.checksum);
  const data = file.data;
  // pve-http-server AnyEvent.pm get_upload_filename: /var/tmp/pveupload-<md5 hex>.
  const spooled = `/var/tmp/pveupload-${createHash('md5').update(`${core.clock.now()}${target.path}`).digest('hex')}`;
  const log = [`starting file import from: ${spooled}`];
  let mismatch: string | undefined;
  if (algorithm && expected) {
    const actual = createHash(algorithm).update(data).digest('hex');
    if (actual === expected.toLowerCase()) log.push('calculating checksum...OK, checksum verified');
    else {
      log.push('calculating checksum...');
      mismatch = `checksum mismatch: got '${actual}' != expect '${expected}'`;
    }
  }
  return core.tasks.start({
    node,
    type: 'imgcopy',
    id: '',
    user: authId(ctx.subject),
    log,
    work: () => {
      if (mismatch !== undefined) throw new Error(mismatch);
      core.storage.volumes(node, storage.storage).set(target.volid, {
        volid: target.volid,
        content,
        format: formatOf(content),
        size: data.length,
        ctime: Math.floor(core.clock.now() / 1000),
      });
      return [
        `target node: ${node}`,
        `target file: ${target.path}`,
        `file size is: ${data.length}`,
        `command: cp -- ${spooled} ${target.path}`,
        'finished file import successfully',
      ];
    },
  }).upid;
}

/**
 * download_url. Unlike upload, PVE does not overwrite a file already there: pve-common Tools.pm
 * download_file_from_url fails its task with "refusing to override existing file", or, given a
 * checksum, compares the existing file first. The simulator keeps no file content, so it
 * refuses before the task instead.
 */
export function downloadUrl(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const node = requireNode(core, str(ctx.params.node));
  const storage = findStorage(core, str(ctx.params.storage), node);
  const content = str(ctx.params.content) ?? '';
  const { volid } = checkTarget(storage, content, str(ctx.params.filename) ?? '', {
    noPath: `can't upload to storage type '${storage.type}', not a file based storage!`,
    noContent: `storage '${storage.storage}' is not configured for content-type '${content}'`,
  });
  if (core.storage.volumes(node, storage.storage).has(volid))
    throw new SimError(500, `volume '${volid}' already exists`);
  const url = str(ctx.params.url) ?? '';
  if (!/^https?:\/\//.test(url)) throw paramError({ url: 'invalid URL' });
  return core.tasks.start({
    node,
    type: 'download',
    id: volid.split('/').pop() ?? '',
    user: authId(ctx.subject),
    log: [`downloading ${url} to ${volid}`],
    work: () => {
      core.storage.volumes(node, storage.storage).set(volid, {
        volid,
        content,
        format: formatOf(content),
        size: 64 * 1024 ** 2,
        ctime: Math.floor(core.clock.now() / 1000),
      });
      return ['download of 67108864 bytes finished'];
    },
  }).upid;
}
