/**
 * What a guest's disk keys are and what their values mean: qemu-server Drive.pm
 * (`is_valid_drivename`, `drive_is_cdrom`, `$NEW_DISK_RE`), pve-container's mount points,
 * and AbstractConfig.pm `add_unused_volume`.
 */
import { SimError } from '../../engine/sim-error.js';
import type { Guest, GuestType } from '../../state/cluster-state.js';
import { sizeToBytes } from '../../state/guest-disks.js';
import { volumeOwner } from '../../state/volume-names.js';
import { formatOf, type Props, parseProps, printProps } from './property-string.js';

/** `STORAGE:SIZE_IN_GiB` (qemu also takes a bare size with a default storage). */
export const QEMU_NEW_DISK = /^(?:([^/:\s]+):)?(\d+(?:\.\d+)?)$/;
export const LXC_NEW_DISK = /^([^:\s]+):(\d+(?:\.\d+)?)$/;

const QEMU_DRIVE =
  /^(?:ide[0-3]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|sata[0-5]|efidisk0|tpmstate0)$/;
const LXC_DRIVE = /^(?:rootfs|mp\d+)$/;
const MAX_UNUSED = 256;

/**
 * The order the servers walk a guest's drives in (qemu-server Drive.pm `valid_drive_names`,
 * which also picks the boot disk; pve-container Config.pm `mountpoint_names`, rootfs first):
 * what decides which new disk gets which `vm-ID-disk-N`.
 */
const DRIVE_ORDER: Record<GuestType, string[]> = {
  qemu: ['ide', 'scsi', 'virtio', 'sata', 'efidisk', 'tpmstate', 'unused'],
  lxc: ['rootfs', 'mp', 'unused'],
};

export function compareDrives(type: GuestType): (a: string, b: string) => number {
  const rank = (key: string): [number, number] => {
    const [, prefix = key, n = '0'] = /^([a-z]+?)(\d*)$/.exec(key) ?? [];
    return [DRIVE_ORDER[type].indexOf(prefix), Number(n)];
  };
  return (a, b) => {
    const [pa, na] = rank(a);
    const [pb, nb] = rank(b);
    return pa - pb || na - nb;
  };
}

export function isDriveKey(type: GuestType, key: string): boolean {
  return (type === 'qemu' ? QEMU_DRIVE : LXC_DRIVE).test(key);
}

/** The key that holds the volume in a drive's property string. */
export const volumeKey = (type: GuestType): string => (type === 'qemu' ? 'file' : 'volume');

export function parseDrive(type: GuestType, key: string, value: string): Props {
  const format = formatOf(type, key);
  return format ? parseProps(format, value) : { [volumeKey(type)]: value };
}

export function printDrive(type: GuestType, key: string, drive: Props): string {
  const format = formatOf(type, key);
  if (!format) return drive[volumeKey(type)] ?? '';
  // pve-container `print_ct_mountpoint` leaves out `type`, and `mp` for the root file system.
  const skip = type === 'qemu' ? [] : key === 'rootfs' ? ['type', 'mp'] : ['type'];
  return printProps(format, drive, skip);
}

/** `drive_is_cdrom`: a CD-ROM drive, with a medium, `cdrom` (the host's) or `none`. */
export function isCdrom(drive: Props): boolean {
  return drive.media === 'cdrom' || drive.file === 'cdrom' || drive.file === 'none';
}

/** `drive_is_cloudinit`: a drive that holds the cloud-init image. */
export function isCloudinit(drive: Props): boolean {
  return /[:/](?:vm-\d+-)?cloudinit(?:\.(?:raw|qcow2|vmdk))?$/.test(drive.file ?? '');
}

/** Volumes that name a storage and belong to this guest (not a path, not another's base). */
export function ownsVolume(guest: Guest, volid: string): boolean {
  const colon = volid.indexOf(':');
  return colon > 0 && volumeOwner(volid.slice(colon + 1)) === guest.vmid;
}

/** `add_unused_volume`: the lowest free `unusedN`; nothing when it is there already. */
export function addUnused(config: Record<string, string>, volid: string): string | undefined {
  let free: string | undefined;
  for (let i = MAX_UNUSED - 1; i >= 0; i--) {
    const key = `unused${i}`;
    const value = config[key];
    if (value === volid) return undefined;
    if (value === undefined) free = key;
  }
  if (free === undefined) throw new SimError(500, 'Too many unused volumes - please delete them first.');
  config[free] = volid;
  return free;
}

/**
 * A drive lets go of its volume (detach, replace, move): a volume the guest owns becomes
 * `unusedN` (qemu `vmconfig_register_unused_drive`), its size kept for the storage listing.
 */
export function keepAsUnused(guest: Guest, volid: string, driveValue: string): string | undefined {
  if (!ownsVolume(guest, volid)) return undefined;
  const size = /(?:^|,)size=([^,]+)/.exec(driveValue)?.[1];
  if (size !== undefined) {
    guest.volumeSizes ??= new Map();
    guest.volumeSizes.set(volid, sizeToBytes(size));
  }
  return addUnused(guest.config, volid);
}

/** Volume ids the guest's drives use (not its `unusedN`), CD-ROMs left out. */
export function usedVolumes(type: GuestType, config: Record<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(config)) {
    if (!isDriveKey(type, key)) continue;
    const drive = parseDrive(type, key, value);
    const volid = drive[volumeKey(type)];
    if (volid && !isCdrom(drive)) out.add(volid);
  }
  return out;
}

/** qemu-server `write_vm_config`: an `unusedN` that a drive uses again is dropped. */
export function dropReusedUnused(type: GuestType, config: Record<string, string>): void {
  const used = usedVolumes(type, config);
  for (const key of Object.keys(config))
    if (/^unused\d+$/.test(key) && used.has(config[key] ?? '')) delete config[key];
}
