/**
 * Storage: the cluster-wide config (`/storage`), per-node views, content listings, volume
 * attributes, deletion, multipart upload and download-url. Uploads answer with a task that
 * puts the file in place, as on PVE.
 */
import { createHash } from 'node:crypto';
import type { EngineCore } from '../../engine/engine-core.js';
import { authId, type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { guestDisks } from '../../state/guest-disks.js';
import type { StorageRecord, Volume } from '../../state/storage-state.js';
import { requireNode } from '../guests/common.js';
import { findStorage } from './lookup.js';
import { downloadUrl, upload } from './transfer.js';
import { storageVolumes } from './volumes.js';

/**
 * Bytes used on each storage, per node and cluster-wide, from one walk over the guests:
 * `/cluster/resources` lists every (node, storage) pair, and a walk per pair made it the
 * slowest answer of a large cluster.
 */
function guestBytesUsed(core: EngineCore): (node: string, storage: StorageRecord) => number {
  const perNode = new Map<string, Map<string, number>>();
  const cluster = new Map<string, number>();
  for (const g of core.cluster.guests.values()) {
    let onNode = perNode.get(g.node);
    if (onNode === undefined) {
      onNode = new Map();
      perNode.set(g.node, onNode);
    }
    for (const { storage, size } of guestDisks(g)) {
      if (storage === undefined) continue;
      onNode.set(storage, (onNode.get(storage) ?? 0) + size);
      cluster.set(storage, (cluster.get(storage) ?? 0) + size);
    }
  }
  return (node, storage) =>
    (storage.shared ? cluster.get(storage.storage) : perNode.get(node)?.get(storage.storage)) ?? 0;
}

function storedBytes(core: EngineCore, node: string, storage: StorageRecord): number {
  let sum = 0;
  for (const v of core.storage.volumes(node, storage.storage).values()) sum += v.size;
  return sum;
}

export function storageResources(core: EngineCore): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const guestBytes = guestBytesUsed(core);
  for (const node of core.cluster.nodes.keys()) {
    for (const s of core.storage.storages.values()) {
      if (!core.storage.availableOn(s, node)) continue;
      out.push({
        id: `storage/${node}/${s.storage}`,
        type: 'storage',
        storage: s.storage,
        node,
        status: 'available',
        plugintype: s.type,
        content: s.content.join(','),
        shared: s.shared ? 1 : 0,
        maxdisk: s.total,
        disk: storedBytes(core, node, s) + guestBytes(node, s),
      });
    }
  }
  return out;
}

function storageConfig(s: StorageRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    storage: s.storage,
    type: s.type,
    content: s.content.join(','),
    ...s.extra,
  };
  if (s.path) out.path = s.path;
  if (s.shared) out.shared = 1;
  if (s.nodes) out.nodes = s.nodes.join(',');
  out.digest = createHash('sha1').update(JSON.stringify(s)).digest('hex');
  return out;
}

const CONFIG_META = new Set(['storage', 'type', 'content', 'shared', 'nodes', 'path', 'delete', 'digest']);

function applyConfig(s: StorageRecord, ctx: HandlerContext): void {
  const content = str(ctx.params.content);
  if (content !== undefined) s.content = content.split(',').filter((c) => c !== '');
  const nodes = str(ctx.params.nodes);
  if (nodes !== undefined) s.nodes = nodes.split(',').filter((n) => n !== '');
  const shared = str(ctx.params.shared);
  if (shared !== undefined) s.shared = shared === '1';
  for (const [key, value] of Object.entries(ctx.params))
    if (!CONFIG_META.has(key)) s.extra[key] = String(value);
  for (const key of (str(ctx.params.delete) ?? '').split(/[,;\s]+/).filter((k) => k !== '')) {
    if (key === 'nodes') delete s.nodes;
    else delete s.extra[key];
  }
}

function nodeStorageItem(
  core: EngineCore,
  node: string,
  s: StorageRecord,
  guestBytes = guestBytesUsed(core),
): Record<string, unknown> {
  const used = storedBytes(core, node, s) + guestBytes(node, s);
  return {
    storage: s.storage,
    type: s.type,
    content: s.content.join(','),
    shared: s.shared ? 1 : 0,
    active: 1,
    enabled: 1,
    total: s.total,
    used,
    avail: s.total - used,
    used_fraction: used / s.total,
  };
}

function nodeStorageList(ctx: HandlerContext): unknown {
  const node = requireNode(ctx.core, str(ctx.params.node));
  const content = str(ctx.params.content)?.split(',');
  const only = str(ctx.params.storage);
  const out: unknown[] = [];
  const guestBytes = guestBytesUsed(ctx.core);
  for (const s of ctx.core.storage.storages.values()) {
    if (!ctx.core.storage.availableOn(s, node) || (only && s.storage !== only)) continue;
    if (content && !content.some((c) => s.content.includes(c))) continue;
    out.push(nodeStorageItem(ctx.core, node, s, guestBytes));
  }
  return out;
}

function contentList(ctx: HandlerContext): unknown {
  const node = requireNode(ctx.core, str(ctx.params.node));
  const storage = findStorage(ctx.core, str(ctx.params.storage), node);
  const content = str(ctx.params.content);
  const vmid = str(ctx.params.vmid);
  return storageVolumes(ctx.core, node, storage)
    .filter(
      (v) =>
        (content === undefined || v.content === content) && (vmid === undefined || String(v.vmid) === vmid),
    )
    .map((v) => ({ ...v, protected: v.protected ? 1 : 0 }));
}

function findVolume(ctx: HandlerContext): { storage: StorageRecord; volume: Volume; node: string } {
  const node = requireNode(ctx.core, str(ctx.params.node));
  const volid = str(ctx.params.volume) ?? '';
  const name = str(ctx.params.storage) ?? volid.split(':')[0];
  const full = volid.includes(':') ? volid : `${name}:${volid}`;
  const storage = findStorage(ctx.core, name, node);
  const volume = storageVolumes(ctx.core, node, storage).find((v) => v.volid === full);
  if (!volume) throw new SimError(500, `volume '${full}' does not exist`);
  return { storage, volume, node };
}

function volumeAttributes(ctx: HandlerContext): unknown {
  const { storage, volume } = findVolume(ctx);
  const rest = volume.volid.slice(volume.volid.indexOf(':') + 1);
  const path = storage.path
    ? `${storage.path}/template/${rest}`
    : `/dev/${storage.extra.vgname ?? 'pve'}/${rest}`;
  const out: Record<string, unknown> = { path, size: volume.size, used: volume.size, format: volume.format };
  if (volume.notes !== undefined) out.notes = volume.notes;
  if (volume.protected) out.protected = 1;
  return out;
}

function updateVolume(ctx: HandlerContext): unknown {
  const { volume } = findVolume(ctx);
  const notes = str(ctx.params.notes);
  if (notes !== undefined) volume.notes = notes;
  const prot = str(ctx.params.protected);
  if (prot !== undefined) volume.protected = prot === '1';
  return null;
}

function deleteVolume(ctx: HandlerContext): unknown {
  const { storage, volume, node } = findVolume(ctx);
  if (volume.vmid !== undefined && ctx.core.cluster.guests.has(volume.vmid) && volume.content !== 'backup') {
    throw new SimError(
      500,
      `unable to delete '${volume.volid}' - volume is still in use (guest ${volume.vmid})`,
    );
  }
  if (volume.protected) throw new SimError(500, `unable to delete '${volume.volid}' - protected`);
  return ctx.core.tasks.start({
    node,
    type: 'imgdel',
    id: volume.volid,
    user: authId(ctx.subject),
    work: () => {
      ctx.core.storage.volumes(node, storage.storage).delete(volume.volid);
    },
  }).upid;
}

/**
 * `POST .../content` (pve-storage PVE/API2/Storage/Content.pm create, Plugin.pm alloc_image):
 * an image of `vmid` by name, size in KiB (or M/G). It belongs to no config: destroying the
 * guest frees it only with `destroy-unreferenced-disks`.
 */
function allocImage(ctx: HandlerContext): unknown {
  const node = requireNode(ctx.core, str(ctx.params.node));
  const storage = findStorage(ctx.core, str(ctx.params.storage), node);
  const vmid = Number(str(ctx.params.vmid));
  const name = str(ctx.params.filename) ?? '';
  const sizeText = str(ctx.params.size) ?? '';
  const match = /^(\d+)([MG])?$/.exec(sizeText);
  if (!match) throw paramError({ size: `unable to parse size '${sizeText}'` });
  const kib = Number(match[1]) * (match[2] === 'G' ? 1024 ** 2 : match[2] === 'M' ? 1024 : 1);
  const ext = /\.(raw|qcow2|vmdk)$/.exec(name)?.[1];
  const asked = str(ctx.params.format);
  if (ext && asked && asked !== ext)
    throw paramError({ format: `different storage formats (${asked} != ${ext})` });
  const format = ext ?? asked ?? 'raw';
  if (!new RegExp(`^vm-${vmid}-`).test(name))
    throw new SimError(500, `illegal name '${name}' - should be 'vm-${vmid}-*'`);
  const fileBased = storage.path !== undefined;
  if (fileBased && !ext) throw new SimError(500, `unable to parse volume filename '${name}'`);
  if (!fileBased && format !== 'raw') throw new SimError(500, `unsupported format '${format}'`);
  const volid = `${storage.storage}:${fileBased ? `${vmid}/` : ''}${name}`;
  if (storageVolumes(ctx.core, node, storage).some((v) => v.volid === volid))
    throw new SimError(
      500,
      fileBased
        ? `disk image '${storage.path}/images/${vmid}/${name}' already exists`
        : `lvcreate '${storage.extra.vgname ?? 'pve'}/${name}' error:   Logical Volume "${name}" already exists in volume group "${storage.extra.vgname ?? 'pve'}"`,
    );
  ctx.core.storage.volumes(node, storage.storage).set(volid, {
    volid,
    content: 'images',
    format,
    size: kib * 1024,
    ctime: Math.floor(ctx.core.clock.now() / 1000),
    vmid,
  });
  return volid;
}

function storageIndex(ctx: HandlerContext): unknown {
  const type = str(ctx.params.type);
  return [...ctx.core.storage.storages.values()].filter((s) => !type || s.type === type).map(storageConfig);
}

function createStorage(ctx: HandlerContext): unknown {
  const name = str(ctx.params.storage) ?? '';
  if (ctx.core.storage.storages.has(name)) throw new SimError(500, `storage ID '${name}' already defined`);
  const record: StorageRecord = {
    storage: name,
    type: str(ctx.params.type) ?? 'dir',
    content: [],
    shared: false,
    extra: {},
    total: 500 * 1024 ** 3,
  };
  applyConfig(record, ctx);
  if (str(ctx.params.path)) record.path = str(ctx.params.path)!;
  ctx.core.storage.storages.set(name, record);
  return { storage: name, type: record.type };
}

function updateStorage(ctx: HandlerContext): unknown {
  const s = findStorage(ctx.core, str(ctx.params.storage));
  applyConfig(s, ctx);
  return { storage: s.storage, type: s.type };
}

function deleteStorage(ctx: HandlerContext): unknown {
  findStorage(ctx.core, str(ctx.params.storage));
  ctx.core.storage.storages.delete(str(ctx.params.storage)!);
  return null;
}

export const storageHandlers: HandlerTable = {
  'GET /storage': storageIndex,
  'POST /storage': createStorage,
  'GET /storage/{storage}': (ctx) => storageConfig(findStorage(ctx.core, str(ctx.params.storage))),
  'PUT /storage/{storage}': updateStorage,
  'DELETE /storage/{storage}': deleteStorage,
  'GET /nodes/{node}/storage': nodeStorageList,
  'GET /nodes/{node}/storage/{storage}/status': (ctx) => {
    const node = requireNode(ctx.core, str(ctx.params.node));
    return nodeStorageItem(ctx.core, node, findStorage(ctx.core, str(ctx.params.storage), node));
  },
  'GET /nodes/{node}/storage/{storage}/content': contentList,
  'POST /nodes/{node}/storage/{storage}/content': allocImage,
  'GET /nodes/{node}/storage/{storage}/content/{volume}': volumeAttributes,
  'PUT /nodes/{node}/storage/{storage}/content/{volume}': updateVolume,
  'DELETE /nodes/{node}/storage/{storage}/content/{volume}': deleteVolume,
  'POST /nodes/{node}/storage/{storage}/upload': upload,
  'POST /nodes/{node}/storage/{storage}/download-url': downloadUrl,
};
