/**
 * Applying what waits in `pending`: all of it on a stopped guest (qemu-server
 * `vmconfig_apply_pending`, pve-container Config.pm `vmconfig_apply_pending`), and on a
 * running one only what can change live (`vmconfig_hotplug_pending` of each). The rest
 * stays pending until the next start. Problems a live change meets come back per key.
 */

import type { EngineCore } from '../../engine/engine-core.js';
import type { Guest } from '../../state/cluster-state.js';
import { CLOUDINIT_OPTIONS } from './config-perms.js';
import { createDisks, driveVolume } from './disk-alloc.js';
import { dropReusedUnused, isCdrom, isDriveKey, keepAsUnused, parseDrive } from './drives.js';

/** qemu-server `$fast_plug_option` (and the cloud-init keys): never need the guest. */
const QEMU_FAST = new Set([
  'description',
  'hookscript',
  'lock',
  'migrate_downtime',
  'migrate_speed',
  'name',
  'onboot',
  'protection',
  'shares',
  'startup',
  'tags',
  'vmstatestorage',
  ...CLOUDINIT_OPTIONS,
]);
/** pve-container `$LXC_FASTPLUG_OPTIONS`. */
const LXC_FAST = new Set([
  'description',
  'onboot',
  'startup',
  'protection',
  'hostname',
  'hookscript',
  'cores',
  'tags',
  'lock',
]);
/** Disk options a running VM cannot change (`vmconfig_update_disk` skips them). */
const COLD_DISK_OPTIONS = ['aio', 'discard', 'iothread', 'queues', 'product', 'cache', 'ssd', 'vendor', 'ro'];
/** NIC options that need the NIC unplugged (`vmconfig_update_net`). */
const REPLUG_NET_OPTIONS = ['model', 'macaddr', 'queues', 'mtu'];

export type ApplyErrors = Record<string, string>;

/** `parse_hotplug_features`: the default is network, disk and usb. */
function hotplugFeatures(config: Record<string, string>): Set<string> {
  const value = config.hotplug ?? '1';
  if (value === '0') return new Set();
  return new Set((value === '1' ? 'network,disk,usb' : value).split(/[,;\s]+/));
}

/** `vmconfig_register_unused_drive`: a volume this guest owns becomes `unusedN`. */
function detachDrive(guest: Guest, key: string, value: string): void {
  const drive = parseDrive(guest.type, key, value);
  if (guest.type === 'qemu' && isCdrom(drive)) return;
  const volid = driveVolume(guest.type, key, value);
  // A cloud-init image is regenerated, not kept (QemuConfig.pm add_unused_volume): left
  // out of the config, it is gone.
  if (volid !== undefined && !/vm-\d+-cloudinit/.test(volid)) keepAsUnused(guest, volid, value);
}

function finishDelete(guest: Guest, key: string): void {
  delete guest.config[key];
  guest.pendingDelete.delete(key);
}

function finishChange(core: EngineCore, guest: Guest, key: string): void {
  let value = guest.pending[key];
  // pve-container Config.pm apply_pending_mountpoint: a new mount point (`STORAGE:SIZE`)
  // is allocated when it is applied, not when it is queued.
  if (value !== undefined && guest.type === 'lxc' && isDriveKey('lxc', key)) {
    const target = {
      type: guest.type,
      vmid: guest.vmid,
      node: guest.node,
      template: false,
      context: 'update',
    } as const;
    value = createDisks(core, target, { [key]: value })[key] ?? value;
  }
  if (value !== undefined) guest.config[key] = value;
  delete guest.pending[key];
}

/** `cleanup_pending`: changes equal to the current value and deletions of unset keys go. */
export function cleanupPending(guest: Guest): void {
  for (const [key, value] of Object.entries(guest.pending))
    if (guest.config[key] === value) delete guest.pending[key];
  for (const key of guest.pendingDelete) if (guest.config[key] === undefined) guest.pendingDelete.delete(key);
}

/** Everything pending, as on start (and for a stopped guest at once). */
export function applyPending(core: EngineCore, guest: Guest): void {
  for (const key of [...guest.pendingDelete].sort()) {
    const value = guest.config[key];
    if (value !== undefined && isDriveKey(guest.type, key)) detachDrive(guest, key, value);
    finishDelete(guest, key);
  }
  cleanupPending(guest);
  for (const key of Object.keys(guest.pending).sort()) {
    const old = guest.config[key];
    if (old !== undefined && isDriveKey(guest.type, key)) detachDrive(guest, key, old);
    finishChange(core, guest, key);
  }
  dropReusedUnused(guest.type, guest.config);
}

const differs = (a: Record<string, string>, b: Record<string, string>, keys: string[]): boolean =>
  keys.some((k) => a[k] !== b[k]);

/** Whether a pending qemu change can be made live; throws a hotplug problem. */
function qemuLiveChange(guest: Guest, key: string, value: string, features: Set<string>): boolean {
  if (QEMU_FAST.has(key)) return true;
  const old = guest.config[key];
  if (/^net\d+$/.test(key)) {
    if (old === undefined) return features.has('network');
    const [a, b] = [parseDrive('qemu', key, old), parseDrive('qemu', key, value)];
    const replug = differs(a, b, REPLUG_NET_OPTIONS) || !a.bridge || !b.bridge;
    return !replug || features.has('network');
  }
  if (isDriveKey('qemu', key)) {
    if (key === 'efidisk0' || key === 'tpmstate0') return false;
    if (old === undefined) return features.has('disk') && !/^(?:ide|sata)/.test(key);
    const [a, b] = [parseDrive('qemu', key, old), parseDrive('qemu', key, value)];
    if ((a.media ?? 'disk') !== (b.media ?? 'disk')) throw new Error('unable to change media type');
    if (isCdrom(a)) return true;
    if (a.file !== b.file) return features.has('disk');
    return !differs(a, b, COLD_DISK_OPTIONS);
  }
  if (key === 'memory') return features.has('memory');
  if (key === 'vcpus') return features.has('cpu');
  if (/^usb\d+$/.test(key) || key === 'tablet') return features.has('usb');
  if (key === 'balloon') return (old ?? '1') !== '0' && value !== '0';
  return key === 'cpuunits' || key === 'cpulimit' || key === 'agent';
}

/** Whether a pending qemu deletion can be made live. */
function qemuLiveDelete(guest: Guest, key: string, features: Set<string>): boolean {
  if (QEMU_FAST.has(key)) return true;
  if (/^net\d+$/.test(key)) return features.has('network');
  if (isDriveKey('qemu', key)) return features.has('disk') && !/^(?:efidisk|ide|sata|tpmstate)/.test(key);
  if (key === 'memory') return features.has('memory');
  if (key === 'vcpus') return features.has('cpu');
  if (/^usb\d+$/.test(key) || key === 'tablet') return features.has('usb');
  if (key === 'balloon') return guest.config.balloon !== '0';
  if (key === 'hotplug') return !/cpu|memory/.test(guest.config.hotplug ?? '');
  return key === 'cpuunits' || key === 'cpulimit';
}

function lxcLiveChange(guest: Guest, key: string): boolean {
  if (LXC_FAST.has(key) || /^net\d+$/.test(key)) return true;
  if (/^mp\d+$/.test(key)) return guest.config[key] === undefined;
  return ['cpulimit', 'cpuunits', 'memory', 'swap'].includes(key);
}

function lxcLiveDelete(key: string): boolean {
  return (
    LXC_FAST.has(key) || /^(?:net|unused)\d+$/.test(key) || ['swap', 'cpulimit', 'cpuunits'].includes(key)
  );
}

/** What a running guest takes at once; the rest stays pending. Answers the problems. */
export function hotplugPending(core: EngineCore, guest: Guest, selection: ReadonlySet<string>): ApplyErrors {
  const errors: ApplyErrors = {};
  const features = hotplugFeatures(guest.config);
  const prefix = guest.type === 'qemu' ? 'hotplug problem - ' : '';
  for (const key of [...guest.pendingDelete].sort()) {
    if (!selection.has(key)) continue;
    const live = guest.type === 'qemu' ? qemuLiveDelete(guest, key, features) : lxcLiveDelete(key);
    if (!live) continue;
    const value = guest.config[key];
    if (value !== undefined && isDriveKey(guest.type, key)) detachDrive(guest, key, value);
    finishDelete(guest, key);
  }
  for (const key of Object.keys(guest.pending).sort()) {
    const value = guest.pending[key] ?? '';
    if (!selection.has(key) && !QEMU_FAST.has(key)) continue;
    try {
      const live =
        guest.type === 'qemu' ? qemuLiveChange(guest, key, value, features) : lxcLiveChange(guest, key);
      if (!live) continue;
    } catch (error) {
      errors[key] = `${prefix}${(error as Error).message}`;
      continue;
    }
    const old = guest.config[key];
    if (
      old !== undefined &&
      isDriveKey(guest.type, key) &&
      driveVolume(guest.type, key, old) !== driveVolume(guest.type, key, value)
    )
      detachDrive(guest, key, old);
    finishChange(core, guest, key);
  }
  dropReusedUnused(guest.type, guest.config);
  return errors;
}
