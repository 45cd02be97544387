/**
 * The volumes a storage holds, and names for new ones. Guest disks are not stored: a disk
 * exists while a config names it (the current config, `pending`, a snapshot, or `unusedN`),
 * so allocating one is choosing its name (pve-storage Plugin.pm `find_free_diskname` over
 * the storage's volumes) and writing it into the config, and a config that lets go of it
 * (destroy, `delete unusedN`, a move with `delete`) frees it. Other content (ISOs,
 * templates, backups, uploads) is kept in StorageState.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest } from '../../state/cluster-state.js';
import { configDisks } from '../../state/guest-disks.js';
import { type StorageRecord, storageOf, type Volume } from '../../state/storage-state.js';
import { formatOfName, newVolumeName } from '../../state/volume-names.js';
import { findStorage } from './lookup.js';

const volname = (volid: string): string => volid.slice(volid.indexOf(':') + 1);

function guestConfigs(guest: Guest): Record<string, string>[] {
  return [guest.config, guest.pending, ...[...guest.snapshots.values()].map((s) => s.config)];
}

/** Guest disks on a storage as this node sees it, from every config that names one. */
export function guestVolumes(core: EngineCore, node: string, storage: StorageRecord): Volume[] {
  const out = new Map<string, Volume>();
  for (const g of core.cluster.guests.values()) {
    if (!storage.shared && g.node !== node) continue;
    for (const config of guestConfigs(g)) {
      for (const disk of configDisks(config)) {
        if (disk.storage !== storage.storage || out.has(disk.volid)) continue;
        out.set(disk.volid, {
          volid: disk.volid,
          content: g.type === 'lxc' ? 'rootdir' : 'images',
          format: formatOfName(volname(disk.volid)),
          size: disk.size || (g.volumeSizes?.get(disk.volid) ?? 0),
          ctime: 0,
          vmid: g.vmid,
        });
      }
    }
  }
  return [...out.values()];
}

/** Everything on the storage: stored content and guest disks. */
export function storageVolumes(core: EngineCore, node: string, storage: StorageRecord): Volume[] {
  return [...core.storage.volumes(node, storage.storage).values(), ...guestVolumes(core, node, storage)];
}

/** The volume, or PVE's error when the storage has none by that name. */
export function requireVolume(core: EngineCore, node: string, volid: string): Volume {
  const storage = findStorage(core, storageOf(volid), node);
  const volume = storageVolumes(core, node, storage).find((v) => v.volid === volid);
  if (!volume) throw new SimError(500, `volume ${volid} does not exist`);
  return volume;
}

/**
 * A free volume id for a new image of `vmid` on the storage (`vdisk_alloc` with no name),
 * not among its volumes nor among `taken` (what the same call allocated already).
 */
export function newVolid(
  core: EngineCore,
  node: string,
  storage: StorageRecord,
  vmid: number,
  format: string,
  taken: readonly string[] = [],
): string {
  const names = [...storageVolumes(core, node, storage).map((v) => v.volid), ...taken]
    .filter((volid) => storageOf(volid) === storage.storage)
    .map(volname);
  return `${storage.storage}:${newVolumeName(storage, names, vmid, format)}`;
}
