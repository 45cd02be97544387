/**
 * `POST /nodes/{node}/qemu/{vmid}/move_disk` to another storage, after qemu-server
 * PVE/API2/Qemu.pm move_vm_disk: the checks of its load_and_check_move run before the task
 * (lock, disk exists, no CD-ROM, not the same storage, the target holds `images`, no delete
 * of a volume a snapshot still uses); the `qmmove` task points the drive at the copy and
 * keeps the source as `unusedN` unless `delete` is set. Moving to another VM (target-vmid)
 * is not simulated.
 */

import { authId, type HandlerContext, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import type { Guest } from '../../state/cluster-state.js';
import type { StorageRecord } from '../../state/storage-state.js';
import { findStorage } from '../storage/lookup.js';
import { assertUnlocked, findGuest, yes } from './common.js';

/**
 * The first `vm-<vmid>-disk-N` not yet on the target storage: pve-storage PVE/Storage/Plugin.pm
 * find_free_diskname looks at that storage's volumes only (here: the drives and snapshot
 * drives that point there, since guest volumes are derived from configs).
 */
function freeDiskName(guest: Guest, storage: string): string {
  const configs = [guest.config, ...[...guest.snapshots.values()].map((s) => s.config)];
  const used = configs
    .flatMap((c) => Object.values(c))
    .filter((v) => v.startsWith(`${storage}:`))
    .join('\n');
  let n = 0;
  while (used.includes(`vm-${guest.vmid}-disk-${n}`)) n++;
  return `vm-${guest.vmid}-disk-${n}`;
}

/** The next free `unusedN` key (PVE::QemuConfig add_unused_volume). */
function freeUnusedKey(guest: Guest): string {
  let n = 0;
  while (guest.config[`unused${n}`] !== undefined) n++;
  return `unused${n}`;
}

interface Move {
  key: string;
  oldVolid: string;
  options: string[];
  target: StorageRecord;
  format: string | undefined;
  remove: boolean;
  task: 'qmmove' | 'move_volume';
}

function requireStorage(ctx: HandlerContext): string {
  const storage = str(ctx.params.storage);
  if (storage !== undefined) return storage;
  const msg = "both 'storage' and 'target-vmid' missing, either needs to be set";
  throw paramError({ 'target-vmid': msg, storage: msg });
}

function inSnapshot(guest: Guest, volid: string): boolean {
  return [...guest.snapshots.values()].some((s) =>
    Object.values(s.config).some((v) => v.split(',', 1)[0] === volid),
  );
}

/** The copy task: the drive points at the new volume, the old one goes or stays as unusedN. */
function startMove(ctx: HandlerContext, guest: Guest, m: Move): string {
  return ctx.core.tasks.start({
    node: guest.node,
    type: m.task,
    id: String(guest.vmid),
    user: authId(ctx.subject),
    log: [`copying volume '${m.oldVolid}' to target storage '${m.target.storage}'`],
    work: () => {
      if (guest.lock === 'disk') delete guest.lock;
      // File storages hold an image file per format; block storages (LVM, RBD) only raw.
      const name = freeDiskName(guest, m.target.storage);
      const volid =
        m.target.path !== undefined
          ? `${m.target.storage}:${guest.vmid}/${name}.${m.format ?? 'raw'}`
          : `${m.target.storage}:${name}`;
      guest.config[m.key] = [volid, ...m.options.filter((o) => !o.startsWith('format='))].join(',');
      if (m.remove) return [`removing source volume '${m.oldVolid}' after successful copy`];
      const unused = freeUnusedKey(guest);
      guest.config[unused] = m.oldVolid;
      return [`adding source volume '${m.oldVolid}' as '${unused}' to config`];
    },
  }).upid;
}

export function moveDisk() {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, 'qemu');
    if (str(ctx.params['target-vmid']) !== undefined)
      throw new SimError(501, 'moving a disk to another VM is not simulated');
    const storage = requireStorage(ctx);
    assertUnlocked(guest);
    const disk = str(ctx.params.disk) ?? '';
    const value = guest.config[disk];
    if (!value) throw new SimError(500, `disk '${disk}' does not exist`);
    if (value.includes('media=cdrom')) throw new SimError(500, "you can't move a cdrom");
    const [oldVolid = '', ...options] = value.split(',');
    const target = findStorage(ctx.core, storage, guest.node);
    const format = str(ctx.params.format);
    if (oldVolid.split(':', 1)[0] === target.storage && format === undefined)
      throw new SimError(500, "you can't move to the same storage with same format");
    if (!target.content.includes('images'))
      throw paramError({ storage: `storage '${target.storage}' does not support vm images` });
    const remove = yes(ctx.params.delete);
    if (remove && inSnapshot(guest, oldVolid))
      throw new SimError(500, "you can't move a disk with snapshots and delete the source");
    return startMove(ctx, guest, { key: disk, oldVolid, options, target, format, remove, task: 'qmmove' });
  };
}

/**
 * `POST /nodes/{node}/lxc/{vmid}/move_volume` to another storage, after pve-container
 * PVE/API2/LXC.pm move_volume (move_to_storage_checks): a stopped container only, no
 * unusedN, no delete of a volume a snapshot uses; the config carries `lock: disk` while the
 * `move_volume` task runs.
 */
export function moveVolume() {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, 'lxc');
    const storage = str(ctx.params.storage);
    if (storage !== undefined && str(ctx.params['target-vmid']) !== undefined) {
      const msg = "either set 'storage' or 'target-vmid', but not both";
      throw paramError({ 'target-vmid': msg, storage: msg });
    }
    if (str(ctx.params['target-vmid']) !== undefined)
      throw new SimError(501, 'moving a volume to another container is not simulated');
    const target = findStorage(ctx.core, requireStorage(ctx), guest.node);
    assertUnlocked(guest);
    if (guest.status !== 'stopped') throw new SimError(500, 'cannot move volumes of a running container');
    const key = str(ctx.params.volume) ?? '';
    if (/^unused\d+$/.test(key))
      throw new SimError(
        500,
        `cannot move volume '${key}', only configured volumes can be moved to another storage`,
      );
    const value = guest.config[key];
    if (!value) throw new SimError(500, `unable to parse volume '${key}'`);
    const [oldVolid = '', ...options] = value.split(',');
    const remove = yes(ctx.params.delete);
    if (remove && inSnapshot(guest, oldVolid))
      throw new SimError(500, "you can't move a volume with snapshots and delete the source");
    guest.lock = 'disk';
    return startMove(ctx, guest, {
      key,
      oldVolid,
      options,
      target,
      format: undefined,
      remove,
      task: 'move_volume',
    });
  };
}
