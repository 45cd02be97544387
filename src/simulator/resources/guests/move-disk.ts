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
import { defaultFormat, formatOfName, supportsFormat } from '../../state/volume-names.js';
import { findStorage } from '../storage/lookup.js';
import { newVolid } from '../storage/volumes.js';
import { assertUnlocked, findGuest, yes } from './common.js';
import { keepAsUnused } from './drives.js';

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
      // find_free_diskname over the target's volumes; block storages (LVM, RBD) hold raw only.
      const format = m.format ?? formatOfName(m.oldVolid);
      const fmt = supportsFormat(m.target, format) ? format : defaultFormat(m.target);
      const volid = newVolid(ctx.core, guest.node, m.target, guest.vmid, fmt);
      guest.config[m.key] = [volid, ...m.options.filter((o) => !o.startsWith('format='))].join(',');
      if (m.remove) return [`removing source volume '${m.oldVolid}' after successful copy`];
      const unused = keepAsUnused(guest, m.oldVolid, m.options.join(','));
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
