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

function checkTarget(ctx: HandlerContext, storage: StorageRecord, content: string, fileName: string): string {
  if (!storage.content.includes(content)) {
    throw new SimError(500, `storage '${storage.storage}' does not support '${content}' content`);
  }
  if (!FILE_NAME.test(fileName) || !SUFFIX[content]?.test(fileName)) {
    throw paramError({ filename: `invalid filename or wrong extension for '${content}'` });
  }
  const volid = `${storage.storage}:${content}/${fileName}`;
  const node = str(ctx.params.node) ?? '';
  if (ctx.core.storage.volumes(node, storage.storage).has(volid))
    throw new SimError(500, `volume '${volid}' already exists`);
  return volid;
}

export function upload(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const node = requireNode(core, str(ctx.params.node));
  const storage = findStorage(core, str(ctx.params.storage), node);
  const file = ctx.files.find((f) => f.name === 'filename') ?? ctx.files[0];
  if (!file?.fileName) throw paramError({ filename: 'property is missing and it is not optional' });
  const content = str(ctx.params.content) ?? '';
  const volid = checkTarget(ctx, storage, content, file.fileName);
  const algorithm = str(ctx.params['checksum-algorithm']);
  const expected = str(ctx.params.checksum);
  const data = file.data;
  return core.tasks.start({
    node,
    type: 'imgcopy',
    id: '',
    user: authId(ctx.subject),
    log: [
      `starting file import from: /var/tmp/pveupload-${data.length}`,
      `target node: ${node}`,
      `target file: ${volid}`,
    ],
    work: () => {
      if (algorithm && expected) {
        const actual = createHash(algorithm).update(data).digest('hex');
        if (actual !== expected.toLowerCase())
          throw new Error(`checksum mismatch: got '${actual}' != expect '${expected}'`);
      }
      core.storage.volumes(node, storage.storage).set(volid, {
        volid,
        content,
        format: content === 'iso' ? 'iso' : content === 'vztmpl' ? 'tgz' : 'raw',
        size: data.length,
        ctime: Math.floor(core.clock.now() / 1000),
      });
      return [`file size is: ${data.length}`, 'finished file import successfully'];
    },
  }).upid;
}

export function downloadUrl(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const node = requireNode(core, str(ctx.params.node));
  const storage = findStorage(core, str(ctx.params.storage), node);
  const content = str(ctx.params.content) ?? '';
  const volid = checkTarget(ctx, storage, content, str(ctx.params.filename) ?? '');
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
        format: content === 'iso' ? 'iso' : 'tgz',
        size: 64 * 1024 ** 2,
        ctime: Math.floor(core.clock.now() / 1000),
      });
      return ['download of 67108864 bytes finished'];
    },
  }).upid;
}
