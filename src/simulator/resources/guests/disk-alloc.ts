/**
 * Turning `scsi0: local-lvm:8` into `scsi0: local-lvm:vm-100-disk-0,size=8G`: qemu-server
 * API2/Qemu.pm `create_disks` (with `import-from`, cloud-init, EFI and TPM drives) and
 * pve-container LXC.pm `create_disks` / `alloc_disk` for `rootfs` and `mpN`. A volume is
 * its name in a config (see storage/volumes.ts), so a call that fails half-way leaves
 * nothing behind, as both servers ensure by freeing what they allocated. Permission and
 * storage checks come first, in `checkStorageAccess`, as the API code runs them before it
 * forks its worker.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import { type HandlerContext, requirePrivs } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import type { GuestType } from '../../state/cluster-state.js';
import { storageOf } from '../../state/storage-state.js';
import {
  baseVolumeName,
  defaultFormat,
  isFileBased,
  supportsFormat,
  volumeOwner,
} from '../../state/volume-names.js';
import { findStorage } from '../storage/lookup.js';
import { newVolid, requireVolume } from '../storage/volumes.js';
import {
  compareDrives,
  isCdrom,
  isDriveKey,
  LXC_NEW_DISK,
  parseDrive,
  printDrive,
  QEMU_NEW_DISK,
  volumeKey,
} from './drives.js';

export interface DiskTarget {
  type: GuestType;
  vmid: number;
  node: string;
  /** New disks of a template become base volumes at once. */
  template: boolean;
  /** qemu's `storage` parameter: where a bare size (`scsi0: 8`) goes. */
  defaultStorage?: string;
  /** How the call names a storage without container content (create and update differ). */
  context: 'create' | 'update';
}

/** qemu-server Drive.pm TPMSTATE_DISK_SIZE; EFI vars of 528 KiB fill one 4 MiB LVM extent. */
const TPM_SIZE = 4 * 1024 ** 2;

/** The storage exists here and holds this content (`$check_storage_access`, `check_and_activate_storage`). */
function assertContent(core: EngineCore, target: DiskTarget, storageId: string, content: string): void {
  const storage = findStorage(core, storageId, target.node);
  if (storage.content.includes(content)) return;
  if (content === 'images')
    throw paramError({ storage: `storage '${storageId}' does not support vm images` });
  throw target.context === 'create'
    ? paramError({ storage: `storage '${storageId}' does not support container directories` })
    : new SimError(500, `storage '${storageId}' does not allow content type 'rootdir' (Container)`);
}

/**
 * The checks before anything is allocated (qemu `$check_storage_access`, pve-container
 * `check_ct_modify_config_perm` for mount points): Datastore.AllocateSpace on each storage
 * a new disk goes to, VM.Clone on the guest an import copies from, paths for root only.
 */
export function checkStorageAccess(
  ctx: HandlerContext,
  target: DiskTarget,
  settings: Record<string, string>,
): void {
  for (const key of Object.keys(settings).sort()) {
    const value = settings[key];
    if (value === undefined || !isDriveKey(target.type, key)) continue;
    const drive = parseDrive(target.type, key, value);
    const volume = drive[volumeKey(target.type)] ?? '';
    const fresh = (target.type === 'qemu' ? QEMU_NEW_DISK : LXC_NEW_DISK).exec(volume);
    if (fresh && !(target.type === 'qemu' && isCdrom(drive))) {
      const storageId = fresh[1] ?? target.defaultStorage;
      if (!storageId) throw new SimError(500, 'no storage ID specified (and no default storage)');
      requirePrivs(ctx, `/storage/${storageId}`, ['Datastore.AllocateSpace']);
      assertContent(ctx.core, target, storageId, target.type === 'qemu' ? 'images' : 'rootdir');
      const source = drive['import-from'];
      const owner =
        source === undefined
          ? undefined
          : source === undefined
            ? undefined
            : volumeOwner(source.slice(source.indexOf(':') + 1));
      if (owner !== undefined) requirePrivs(ctx, `/vms/${owner}`, ['VM.Clone']);
    } else if (volume.startsWith('/') && target.type === 'lxc' && ctx.subject && !isRoot(ctx))
      throw new SimError(500, 'Only root can pass arbitrary filesystem paths.');
  }
}

const isRoot = (ctx: HandlerContext): boolean =>
  ctx.subject?.userid === 'root@pam' && ctx.subject.tokenid === undefined;

function qemuSize(core: EngineCore, key: string, storageId: string, gib: number): number {
  if (key === 'tpmstate0') return TPM_SIZE;
  if (key === 'efidisk0') {
    const storage = core.storage.storages.get(storageId);
    return storage && isFileBased(storage) ? 528 * 1024 : TPM_SIZE;
  }
  return Math.round(gib * 1024 * 1024) * 1024;
}

/** The volumes one call has named so far: two new disks never get the same name. */
type Allocated = string[];

/** `vdisk_alloc`: a free name on the storage in a format it holds (`resolve_format_hint`). */
function allocate(
  core: EngineCore,
  target: DiskTarget,
  storageId: string,
  format: string | undefined,
  taken: Allocated,
) {
  const storage = findStorage(core, storageId, target.node);
  const wanted = format ?? defaultFormat(storage);
  const fmt = supportsFormat(storage, wanted) ? wanted : defaultFormat(storage);
  const volid = newVolid(core, target.node, storage, target.vmid, fmt, taken);
  taken.push(volid);
  // A template's disks are base images from the start (`vdisk_create_base`).
  if (!target.template) return volid;
  const base = `${storageId}:${baseVolumeName(volid.slice(volid.indexOf(':') + 1))}`;
  taken.push(base);
  return base;
}

function createQemuDisk(core: EngineCore, target: DiskTarget, key: string, value: string, taken: Allocated) {
  const drive = parseDrive('qemu', key, value);
  const file = drive.file ?? '';
  if (file === '' || file === 'none' || file === 'cdrom') {
    delete drive.size;
    drive.media ??= 'cdrom';
    return printDrive('qemu', key, drive);
  }
  const cloudinit = /^(?:([^:]+):)?cloudinit$/.exec(file);
  if (cloudinit) {
    const storageId = cloudinit[1] ?? target.defaultStorage;
    if (!storageId) throw new SimError(500, 'no storage ID specified (and no default storage)');
    const storage = findStorage(core, storageId, target.node);
    const name = `vm-${target.vmid}-cloudinit${isFileBased(storage) ? `.${drive.format ?? 'qcow2'}` : ''}`;
    const volid = `${storageId}:${isFileBased(storage) ? `${target.vmid}/` : ''}${name}`;
    taken.push(volid);
    delete drive.format;
    return printDrive('qemu', key, { ...drive, file: volid, media: 'cdrom' });
  }
  const fresh = QEMU_NEW_DISK.exec(file);
  if (fresh) {
    const storageId = fresh[1] ?? target.defaultStorage;
    if (!storageId) throw new SimError(500, 'no storage ID specified (and no default storage)');
    assertContent(core, target, storageId, 'images');
    let size = qemuSize(core, key, storageId, Number(fresh[2]));
    const source = drive['import-from'];
    if (source !== undefined) {
      if (Number(fresh[2]) !== 0)
        throw paramError({
          [key]: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>",
        });
      const from = requireVolume(core, target.node, source);
      if (from.content !== 'images' && from.content !== 'import')
        throw paramError({
          [key]: `${source} has wrong type '${from.content}' - needs to be 'images' or 'import'`,
        });
      size = from.size;
      delete drive['import-from'];
    }
    const volid = allocate(core, target, storageId, drive.format, taken);
    delete drive.format;
    return printDrive('qemu', key, { ...drive, file: volid, size: String(size) });
  }
  if (file.startsWith('/')) return printDrive('qemu', key, drive);
  const volume = requireVolume(core, target.node, file);
  if (volume.content !== 'images' && volume.content !== 'iso')
    throw new SimError(500, `cannot use volume ${file} - content type needs to be 'images' or 'iso'`);
  if (volume.content === 'iso' && drive.media !== 'cdrom')
    throw paramError({ [key]: "explicit 'media=cdrom' is required for iso images" });
  return printDrive('qemu', key, { ...drive, size: String(volume.size) });
}

function createLxcDisk(core: EngineCore, target: DiskTarget, key: string, value: string, taken: Allocated) {
  const mp = parseDrive('lxc', key, value);
  const volume = mp.volume ?? '';
  const fresh = LXC_NEW_DISK.exec(volume);
  if (!fresh) return printDrive('lxc', key, mp);
  const storageId = fresh[1] ?? '';
  assertContent(core, target, storageId, 'rootdir');
  const storage = findStorage(core, storageId, target.node);
  const sizeKib = Math.floor(Number(fresh[2]) * 1024 * 1024);
  // alloc_disk: a sized raw image, or a subvolume where the size is 0 or the storage is ZFS.
  const subvol = storage.type === 'zfspool' || (isFileBased(storage) && sizeKib === 0);
  const volid = allocate(core, { ...target, template: false }, storageId, subvol ? 'subvol' : 'raw', taken);
  return printDrive('lxc', key, { ...mp, volume: volid, size: String(sizeKib * 1024) });
}

/** The drive keys of `settings` with their volumes allocated; other keys are not returned. */
export function createDisks(
  core: EngineCore,
  target: DiskTarget,
  settings: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const taken: Allocated = [];
  for (const key of Object.keys(settings).sort(compareDrives(target.type))) {
    const value = settings[key];
    if (value === undefined || !isDriveKey(target.type, key)) continue;
    out[key] =
      target.type === 'qemu'
        ? createQemuDisk(core, target, key, value, taken)
        : createLxcDisk(core, target, key, value, taken);
  }
  return out;
}

/** The volume a drive value names, or undefined for CD-ROMs, paths and `none`. */
export function driveVolume(type: GuestType, key: string, value: string): string | undefined {
  const drive = parseDrive(type, key, value);
  const volid = drive[volumeKey(type)];
  if (!volid || (type === 'qemu' && isCdrom(drive)) || storageOf(volid) === undefined) return undefined;
  return volid;
}
