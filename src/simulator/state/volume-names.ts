/**
 * How pve-storage names guest volumes, per kind of storage (pve-storage Plugin.pm
 * `get_next_vm_diskname`, `alloc_image`, `create_base`, `clone_image`, and the LVM-thin,
 * ZFS and RBD plugins' versions):
 * - file-based storages (dir, nfs, cifs, ...): `100/vm-100-disk-0.raw`, a template's
 *   `100/base-100-disk-0.raw`, a linked clone `100/base-100-disk-0.raw/101/vm-101-disk-0.qcow2`;
 * - LVM-thin: `vm-100-disk-0`, `base-100-disk-0`, a linked clone is a plain `vm-101-disk-0`
 *   (a thin snapshot: its name does not show the base);
 * - ZFS and RBD: as LVM-thin, a linked clone `base-100-disk-0/vm-101-disk-0`.
 */
import type { StorageRecord } from './storage-state.js';

const FILE_BASED = new Set(['dir', 'nfs', 'cifs', 'btrfs', 'cephfs', 'glusterfs']);
const BASE_IN_NAME = new Set(['zfspool', 'zfs', 'rbd']);
const DISK_NAME = /^(?:vm|base|subvol|basevol)-(\d+)-disk-(\d+)/;
const OWNED = /^(?:vm|base|subvol|basevol)-(\d+)-/;

export function isFileBased(storage: StorageRecord): boolean {
  return FILE_BASED.has(storage.type) || (storage.path !== undefined && !BASE_IN_NAME.has(storage.type));
}

/** The format a new image gets when none is asked for (`raw` on every built-in plugin). */
export function defaultFormat(storage: StorageRecord): string {
  return storage.extra.format ?? 'raw';
}

/** The formats a storage can hold (`resolve_format_hint`: others fall back to the default). */
export function supportsFormat(storage: StorageRecord, format: string): boolean {
  if (isFileBased(storage)) return ['raw', 'qcow2', 'vmdk', 'subvol'].includes(format);
  return format === 'raw' || (format === 'subvol' && BASE_IN_NAME.has(storage.type));
}

/** The last path component of a volume name: the image itself. */
function leaf(volname: string): string {
  return volname.slice(volname.lastIndexOf('/') + 1);
}

/** The guest that owns a volume, from its name; undefined for ISOs, templates, backups. */
export function volumeOwner(volname: string): number | undefined {
  const match = OWNED.exec(leaf(volname));
  return match ? Number(match[1]) : undefined;
}

/** Whether a volume is a template's base image. */
export function isBaseVolume(volname: string): boolean {
  return /^base(?:vol)?-/.test(leaf(volname));
}

/** The lowest free `vm-ID-disk-N` of this guest among the storage's volume names. */
function nextDiskNumber(volnames: Iterable<string>, vmid: number): number {
  const taken = new Set<number>();
  for (const name of volnames) {
    const match = DISK_NAME.exec(leaf(name));
    if (match && Number(match[1]) === vmid) taken.add(Number(match[2]));
  }
  let n = 0;
  while (taken.has(n)) n++;
  return n;
}

/** The volume name a new image of `vmid` gets on this storage. */
export function newVolumeName(
  storage: StorageRecord,
  volnames: Iterable<string>,
  vmid: number,
  format: string,
): string {
  const prefix = format === 'subvol' ? 'subvol' : 'vm';
  const name = `${prefix}-${vmid}-disk-${nextDiskNumber(volnames, vmid)}`;
  return isFileBased(storage) ? `${vmid}/${name}.${format}` : name;
}

/** The name a volume gets when its guest becomes a template (`vm-` -> `base-`). */
export function baseVolumeName(volname: string): string {
  const at = volname.lastIndexOf('/') + 1;
  const image = volname
    .slice(at)
    .replace(/^vm-/, 'base-')
    .replace(/^subvol-/, 'basevol-');
  return volname.slice(0, at) + image;
}

/** The name of a linked clone of base volume `basename` for guest `vmid`. */
export function linkedCloneName(
  storage: StorageRecord,
  volnames: Iterable<string>,
  basename: string,
  vmid: number,
): string {
  const n = nextDiskNumber(volnames, vmid);
  if (isFileBased(storage)) return `${basename}/${vmid}/vm-${vmid}-disk-${n}.qcow2`;
  if (BASE_IN_NAME.has(storage.type)) return `${basename}/vm-${vmid}-disk-${n}`;
  return `vm-${vmid}-disk-${n}`;
}

/** The format a volume's name shows (`.qcow2`), or raw for block storages. */
export function formatOfName(volname: string): string {
  const match = /\.(raw|qcow2|vmdk|subvol)$/.exec(volname);
  if (match) return match[1] ?? 'raw';
  return /^(?:subvol|basevol)-/.test(leaf(volname)) ? 'subvol' : 'raw';
}
