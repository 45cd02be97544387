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

export function moveDisk() {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, 'qemu');
    if (str(ctx.params['target-vmid']) !== undefined)
      throw new SimError(501, 'moving a disk to another VM is not simulated');
    assertUnlocked(guest);
    const disk = str(ctx.params.disk) ?? '';
    const value = guest.config[disk];
    if (!value) throw new SimError(500, `disk '${disk}' does not exist`);
    if (value.includes('media=cdrom')) throw new SimError(500, "you can't move a cdrom");
    const [oldVolid = '', ...options] = value.split(',');
    const oldStorage = oldVolid.split(':', 1)[0];
    const storage = str(ctx.params.storage);
    if (storage === undefined) {
      const msg = "both 'storage' and 'target-vmid' missing, either needs to be set";
      throw paramError({ 'target-vmid': msg, storage: msg });
    }
    const target = findStorage(ctx.core, storage, guest.node);
    const format = str(ctx.params.format);
    if (oldStorage === target.storage && format === undefined)
      throw new SimError(500, "you can't move to the same storage with same format");
    if (!target.content.includes('images'))
      throw paramError({ storage: `storage '${target.storage}' does not support vm images` });
    const remove = yes(ctx.params.delete);
    const snapshotted = [...guest.snapshots.values()].some((s) =>
      Object.values(s.config).some((v) => v.split(',', 1)[0] === oldVolid),
    );
    if (snapshotted && remove)
      throw new SimError(500, "you can't move a disk with snapshots and delete the source");
    return ctx.core.tasks.start({
      node: guest.node,
      type: 'qmmove',
      id: String(guest.vmid),
      user: authId(ctx.subject),
      log: [
        `copying volume '${oldVolid}' from current storage '${oldStorage}' to target storage '${target.storage}'`,
      ],
      work: () => {
        // File storages hold an image file per format; block storages (LVM, RBD) only raw.
        const file = target.path !== undefined;
        const name = freeDiskName(guest, target.storage);
        const volid = file
          ? `${target.storage}:${guest.vmid}/${name}.${format ?? 'raw'}`
          : `${target.storage}:${name}`;
        guest.config[disk] = [volid, ...options.filter((o) => !o.startsWith('format='))].join(',');
        if (remove) return [`removing source volume '${oldVolid}' after successful copy`];
        const key = freeUnusedKey(guest);
        guest.config[key] = oldVolid;
        return [`adding source volume '${oldVolid}' as '${key}' to config`];
      },
    }).upid;
  };
}
