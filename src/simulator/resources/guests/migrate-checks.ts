/**
 * The refusals of a migration that depend on what a volume is, not on where it goes:
 * qemu-server src/PVE/QemuMigrate.pm scan_local_volumes (test_volid and the "additional checks
 * for local storage") and pve-container src/PVE/LXC/Migrate.pm prepare and phase1. migrate.ts
 * runs them; each answers PVE's message or undefined.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import type { Guest } from '../../state/cluster-state.js';
import { type StorageRecord, storageOf } from '../../state/storage-state.js';
import { isFileBased } from '../../state/volume-names.js';
import { storageVolumes } from '../storage/volumes.js';
import { parseDrive } from './drives.js';

/** The local storage types each migrates (QemuMigrate.pm `$migratable`, LXC/Migrate.pm `$migratable_storages`). */
const QEMU_MIGRATABLE = new Set(['dir', 'btrfs', 'zfspool', 'lvmthin', 'lvm']);
const LXC_MIGRATABLE = new Set(['dir', 'zfspool', 'lvmthin', 'lvm', 'btrfs']);

/** Storage types whose linked clones carry their base in the name (ZFSPoolPlugin, RBDPlugin parse_volname). */
const BASE_PREFIXED = new Set(['zfspool', 'rbd']);

interface VolumeName {
  /** The image's own name (`base-100-disk-0.raw`, `vm-101-disk-0`). */
  name: string;
  vmid: number | undefined;
  /** A linked clone's base image and the template it belongs to (parse_volname's 4th and 5th values). */
  basename?: string;
  basevmid?: number;
}

/**
 * PVE::Storage parse_volname for images: file based storages `100/base-100-disk-0.raw/101/vm-101-disk-0.qcow2`
 * (Plugin.pm), ZFS and RBD `base-100-disk-0/vm-101-disk-0`; LVM(-thin) names never show a base.
 */
function parseImageName(storage: StorageRecord, volname: string): VolumeName {
  const owner = (name: string) => {
    const m = /^(?:vm|base|subvol|basevol)-(\d+)-/.exec(name);
    return m ? Number(m[1]) : undefined;
  };
  if (isFileBased(storage)) {
    const clone = /^(\d+)\/([^/]+)\/(\d+)\/([^/]+)$/.exec(volname);
    if (clone)
      return { name: clone[4]!, vmid: Number(clone[3]), basename: clone[2]!, basevmid: Number(clone[1]) };
    const plain = /^(\d+)\/([^/]+)$/.exec(volname);
    return { name: plain?.[2] ?? volname, vmid: plain ? Number(plain[1]) : undefined };
  }
  if (BASE_PREFIXED.has(storage.type)) {
    const clone = /^((?:base|basevol)-(\d+)-[^/]+)\/([^/]+)$/.exec(volname);
    if (clone)
      return { name: clone[3]!, vmid: owner(clone[3]!), basename: clone[1]!, basevmid: Number(clone[2]) };
  }
  return { name: volname, vmid: owner(volname) };
}

const volnameOf = (volid: string): string => volid.slice(volid.indexOf(':') + 1);

/** A linked clone's base image name, when its storage's names show one. */
export function cloneBasename(core: EngineCore, volid: string): string | undefined {
  const storage = core.storage.storages.get(storageOf(volid) ?? '');
  return storage === undefined ? undefined : parseImageName(storage, volnameOf(volid)).basename;
}

/**
 * PVE::Storage volume_is_base_and_used: a template's base image that a linked clone on the
 * same storage names as its base (so never on LVM-thin, whose clone names do not show it).
 */
function baseInUse(core: EngineCore, node: string, volid: string): boolean {
  const storage = core.storage.storages.get(storageOf(volid) ?? '');
  if (storage === undefined) return false;
  const own = parseImageName(storage, volnameOf(volid));
  if (!/^base(?:vol)?-/.test(own.name)) return false;
  return storageVolumes(core, node, storage).some((v) => {
    const other = parseImageName(storage, volnameOf(v.volid));
    return other.basename === own.name && other.basevmid === own.vmid;
  });
}

/** test_volid's checks after the target's, for a volume on a local storage of the VM. */
export function qemuVolumeProblem(core: EngineCore, guest: Guest, volid: string): string | undefined {
  return baseInUse(core, guest.node, volid) ? 'referenced by linked clone(s)' : undefined;
}

/**
 * The checks after the scan passed (scan_local_volumes "additional checks for local storage"):
 * a storage type it cannot copy, or a linked clone on a local storage. The second `die` has no
 * newline, so Perl adds where it died (the line of qemu-server's current QemuMigrate.pm).
 */
export function qemuScanProblem(core: EngineCore, volids: readonly string[]): string | undefined {
  for (const volid of volids) {
    const storage = core.storage.storages.get(storageOf(volid)!)!;
    if (!QEMU_MIGRATABLE.has(storage.type))
      return `can't migrate '${volid}' - storage type '${storage.type}' not supported`;
    const basename = cloneBasename(core, volid);
    if (basename !== undefined)
      return `can't migrate '${volid}' as it's a clone of '${basename}' at /usr/share/perl5/PVE/QemuMigrate.pm line 586.`;
  }
  return undefined;
}

/** A container's volume, in phase1: a storage type it cannot copy, a linked clone. */
export function lxcVolumeProblem(core: EngineCore, volid: string): string | undefined {
  const storage = core.storage.storages.get(storageOf(volid)!)!;
  if (!LXC_MIGRATABLE.has(storage.type)) return `storage type '${storage.type}' not supported`;
  const basename = cloneBasename(core, volid);
  return basename === undefined ? undefined : `clone of '${basename}'`;
}

/** pve-container PVE::LXC::Config classify_mountpoint. */
export function mountpointType(volume: string): 'device' | 'bind' | 'volume' {
  if (!volume.startsWith('/')) return 'volume';
  return volume.startsWith('/dev/') ? 'device' : 'bind';
}

const LXC_VOLUME_KEY = /^(rootfs|mp\d+|unused\d+)$/;

/** The mount points in foreach_volume_full's order: rootfs, mpN, unusedN, by number. */
export function lxcMountpoints(config: Readonly<Record<string, string>>): [string, Record<string, string>][] {
  const rank = (key: string) =>
    (key === 'rootfs' ? -1 : key.startsWith('mp') ? 0 : 1000) + Number(/\d+$/.exec(key)?.[0] ?? 0);
  return Object.keys(config)
    .filter((k) => LXC_VOLUME_KEY.test(k))
    .sort((a, b) => rank(a) - rank(b))
    .map((k) => [k, parseDrive('lxc', k, config[k] ?? '')]);
}

/**
 * LXC/Migrate.pm prepare: a bind or device mount point stops the migration unless marked
 * `shared`, and so does a volume whose storage lacks `rootdir` on either end. The message
 * dies before phase1, so the task logs no "starting migration" line.
 */
export function lxcPrepareProblem(
  core: EngineCore,
  guest: Guest,
  map: (sid: string) => string,
  targetProblem: (volid: string, targetsid: string) => string | undefined,
): string | undefined {
  for (const [key, mp] of lxcMountpoints(guest.config)) {
    const volume = mp.volume ?? '';
    const type = mountpointType(volume);
    if (type !== 'volume') {
      if (mp.shared === '1') continue;
      return `cannot migrate local ${type} mount point '${key}'`;
    }
    const sid = storageOf(volume);
    if (sid === undefined) return `can't determine assigned storage for mount point '${key}'`;
    const storage = core.storage.storages.get(sid);
    if (storage === undefined) return `storage '${sid}' does not exist`;
    if (!storage.content.includes('rootdir'))
      return `content type 'rootdir' is not available on storage '${sid}'`;
    const problem = targetProblem(volume, storage.shared ? sid : map(sid));
    if (problem !== undefined) return problem;
  }
  return undefined;
}
