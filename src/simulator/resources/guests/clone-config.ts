/**
 * The config of a clone and the volumes it gets, as qemu-server PVE/API2/Qemu.pm clone_vm
 * (`$load_and_check`, `$clonefn`) and pve-container PVE/API2/LXC.pm clone_vm build them:
 * snapshot keys and `unusedN` stay behind, every NIC gets a new MAC, a full clone copies
 * each disk to a fresh volume (on `storage`, else the disk's own), a linked clone makes a
 * copy-on-write child of the template's base volume (pve-storage `vdisk_clone`), qemu gives
 * the clone a new smbios1 uuid (and vmgenid) and the name `Copy-of-VM-<name>`.
 * Making a template turns each disk into a base volume (`template_create`,
 * `vdisk_create_base`).
 */
import type { EngineCore } from '../../engine/engine-core.js';
import { type HandlerContext, requirePrivs, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import type { Guest } from '../../state/cluster-state.js';
import { type StorageRecord, storageOf } from '../../state/storage-state.js';
import {
  baseVolumeName,
  defaultFormat,
  formatOfName,
  isBaseVolume,
  linkedCloneName,
  supportsFormat,
  volumeOwner,
} from '../../state/volume-names.js';
import { findStorage } from '../storage/lookup.js';
import { newVolid, storageVolumes } from '../storage/volumes.js';
import { isCdrom, isCloudinit, isDriveKey, parseDrive, printDrive, volumeKey } from './drives.js';
import { newUuid, randomMac } from './generated-ids.js';
import { formatOf, parseProps, printProps } from './property-string.js';

/** Keys a clone does not take over (snapshot bookkeeping, runtime state, detached volumes). */
const NOT_COPIED =
  /^(?:parent|snaptime|vmstate|snapstate|runningcpu|runningmachine|running-nets-host-mtu|unused\d+)$/;

const volname = (volid: string): string => volid.slice(volid.indexOf(':') + 1);

export interface CloneRequest {
  source: Guest;
  config: Record<string, string>;
  newid: number;
  target: string;
  full: boolean;
  storage: StorageRecord | undefined;
  format: string | undefined;
}

/** The checks clone_vm makes before its worker: storage content and sharing, linked-clone rules. */
export function checkClone(ctx: HandlerContext, req: CloneRequest): void {
  const { source, storage, full } = req;
  if (storage) {
    if (!storage.content.includes(source.type === 'qemu' ? 'images' : 'rootdir'))
      throw paramError({ storage: `storage '${storage.storage}' does not support vm images` });
    if (req.target !== source.node && !storage.shared)
      throw new SimError(500, `can't clone to non-shared storage '${storage.storage}'`);
  }
  if (!full && storage) throw new SimError(500, "parameter 'storage' not allowed for linked clones");
  if (!full && req.format) throw new SimError(500, "parameter 'format' not allowed for linked clones");
  let shared = true;
  for (const [key, value] of Object.entries(req.config)) {
    if (!isDriveKey(source.type, key) || NOT_COPIED.test(key)) continue;
    const drive = parseDrive(source.type, key, value);
    if (source.type === 'qemu' && isCdrom(drive) && !isCloudinit(drive)) continue;
    const volid = drive[volumeKey(source.type)] ?? '';
    const sid = storage?.storage ?? storageOf(volid);
    if (sid === undefined) throw new SimError(500, `unable to clone mountpoint '${key}' (type bind)`);
    const onStorage = storage ?? findStorage(ctx.core, sid, source.node);
    if (!onStorage.shared) shared = false;
    requirePrivs(ctx, `/storage/${sid}`, ['Datastore.AllocateSpace']);
    if (!full && !isCloudinit(drive) && !isBaseVolume(volname(volid))) {
      throw new SimError(
        500,
        source.type === 'qemu'
          ? `Linked clone feature is not supported for '${volid}' (${key})`
          : `Linked clone feature for '${volid}' is not available`,
      );
    }
  }
  if (req.target !== source.node && !shared) {
    const what = source.type === 'qemu' ? 'VM' : 'CT';
    throw new SimError(500, `can't clone ${what} to node '${req.target}' (${what} uses local storage)`);
  }
}

/** A full copy (`clone_disk` / `copy_volume`): a new volume of the clone on the target storage. */
function copyOf(core: EngineCore, req: CloneRequest, volid: string, taken: string[]): string {
  const storage = req.storage ?? findStorage(core, storageOf(volid), req.source.node);
  const wanted = req.format ?? formatOfName(volname(volid));
  const format = supportsFormat(storage, wanted) ? wanted : defaultFormat(storage);
  const copy = newVolid(core, req.target, storage, req.newid, format, taken);
  taken.push(copy);
  return copy;
}

/** `vdisk_clone`: a child of the base volume, named as the storage names linked clones. */
function linkedOf(core: EngineCore, req: CloneRequest, volid: string, taken: string[]): string {
  const storage = findStorage(core, storageOf(volid), req.source.node);
  const names = [...storageVolumes(core, req.target, storage).map((v) => v.volid), ...taken]
    .filter((v) => storageOf(v) === storage.storage)
    .map(volname);
  const child = `${storage.storage}:${linkedCloneName(storage, names, volname(volid), req.newid)}`;
  taken.push(child);
  return child;
}

function cloneDrive(
  core: EngineCore,
  req: CloneRequest,
  key: string,
  value: string,
  taken: string[],
): string {
  const type = req.source.type;
  const drive = parseDrive(type, key, value);
  if (type === 'qemu' && isCdrom(drive) && !isCloudinit(drive)) return value;
  const volid = drive[volumeKey(type)] ?? '';
  if (isCloudinit(drive)) {
    // A cloud-init drive is always copied: it carries the guest's own data.
    const image = volname(volid).replace(/vm-\d+-cloudinit/, `vm-${req.newid}-cloudinit`);
    const owned = image.replace(/^\d+\//, `${req.newid}/`);
    return printDrive(type, key, { ...drive, file: `${storageOf(volid)}:${owned}` });
  }
  const copied = req.full ? copyOf(core, req, volid, taken) : linkedOf(core, req, volid, taken);
  return printDrive(type, key, { ...drive, [volumeKey(type)]: copied });
}

function newMac(core: EngineCore, req: CloneRequest, key: string, value: string): string {
  const format = formatOf(req.source.type, key);
  if (!format) return value;
  const net = parseProps(format, value);
  net[req.source.type === 'qemu' ? 'macaddr' : 'hwaddr'] = randomMac(core.cluster);
  return printProps(format, net);
}

/** The new guest's config. */
export function cloneConfig(ctx: HandlerContext, req: CloneRequest): Record<string, string> {
  const { core } = ctx;
  const type = req.source.type;
  const out: Record<string, string> = {};
  const taken: string[] = [];
  for (const key of Object.keys(req.config).sort()) {
    const value = req.config[key] ?? '';
    if (NOT_COPIED.test(key)) continue;
    if (/^net\d+$/.test(key)) out[key] = newMac(core, req, key, value);
    else if (isDriveKey(type, key)) out[key] = cloneDrive(core, req, key, value, taken);
    else out[key] = value;
  }
  delete out.template;
  const description = str(ctx.params.description);
  if (description) out.description = description;
  if (type === 'lxc') {
    const hostname = str(ctx.params.hostname);
    if (hostname) out.hostname = hostname;
    return out;
  }
  const smbios1 = (out.smbios1 ?? '').split(',').filter((p) => p !== '' && !p.startsWith('uuid='));
  out.smbios1 = [`uuid=${newUuid(core.cluster)}`, ...smbios1].sort().join(',');
  if (out.vmgenid) out.vmgenid = newUuid(core.cluster);
  out.name = str(ctx.params.name) || `Copy-of-VM-${req.config.name ?? req.source.vmid}`;
  return out;
}

/** `template_create`: each of the guest's own disks becomes a base volume. */
export function toBaseVolumes(guest: Guest): void {
  for (const [key, value] of Object.entries(guest.config)) {
    if (!isDriveKey(guest.type, key)) continue;
    const drive = parseDrive(guest.type, key, value);
    if (guest.type === 'qemu' && (isCdrom(drive) || isCloudinit(drive))) continue;
    const volid = drive[volumeKey(guest.type)] ?? '';
    const storage = storageOf(volid);
    if (storage === undefined || volumeOwner(volname(volid)) !== guest.vmid || isBaseVolume(volname(volid)))
      continue;
    guest.config[key] = printDrive(guest.type, key, {
      ...drive,
      [volumeKey(guest.type)]: `${storage}:${baseVolumeName(volname(volid))}`,
    });
  }
}
