/**
 * Which privilege each config key needs: qemu-server API2/Qemu.pm
 * `check_vm_modify_config_perm` (and its `$check_drive_perms` for disks) and pve-container
 * LXC.pm `check_ct_modify_config_perm`. The config endpoints' schemas only ask for one of
 * the `VM.Config.*` privileges; these decide per key.
 */
import { hasPrivileges, isSuperuser } from '../../access/acl.js';
import { type HandlerContext, requirePrivs } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { GuestType } from '../../state/cluster-state.js';
import { isCdrom, isCloudinit, isDriveKey, parseDrive } from './drives.js';

const CPU = new Set([
  'cores',
  'cpu',
  'runningcpu',
  'cpulimit',
  'cpuunits',
  'numa',
  'smp',
  'sockets',
  'vcpus',
]);
const MEMORY = new Set(['memory', 'balloon', 'shares', 'allow-ksm']);
const HWTYPE = new Set([
  'acpi',
  'hotplug',
  'kvm',
  'machine',
  'runningmachine',
  'scsihw',
  'smbios1',
  'tablet',
  'vga',
  'watchdog',
  'audio0',
  'rng0',
]);
const GENERAL = new Set([
  'agent',
  'autostart',
  'bios',
  'description',
  'keyboard',
  'localtime',
  'migrate_downtime',
  'migrate_speed',
  'name',
  'onboot',
  'ostype',
  'protection',
  'reboot',
  'startdate',
  'startup',
  'tdf',
  'template',
]);
const DISK_OPTIONS = new Set(['boot', 'bootdisk', 'vmstatestorage']);
/** qemu-server `$cloudinitoptions`. */
export const CLOUDINIT_OPTIONS: ReadonlySet<string> = new Set([
  'cicustom',
  'cipassword',
  'citype',
  'ciuser',
  'ciupgrade',
  'nameserver',
  'searchdomain',
  'sshkeys',
]);

/** `$authuser eq 'root@pam'` (a host call has no subject and is root too). */
export function isRootCaller(ctx: HandlerContext): boolean {
  return !ctx.subject || isSuperuser(ctx.subject);
}

/** RPCEnvironment `check_vm_perm`: the pool's ACL may grant it, else the guest's. */
export function checkVmPerm(
  ctx: HandlerContext,
  vmid: number,
  pool: string | undefined,
  privs: string[],
  any = false,
): void {
  if (!ctx.subject) return;
  if (pool && hasPrivileges(ctx.core.access, ctx.subject, `/pool/${pool}`, privs, { any })) return;
  requirePrivs(ctx, `/vms/${vmid}`, privs, any);
}

/** `check_vm_modify_config_perm` for qemu keys; drives, USB, serial and PCI are checked by value. */
function checkQemuKey(ctx: HandlerContext, vmid: number, pool: string | undefined, opt: string): void {
  if (isDriveKey('qemu', opt) || opt === 'cdrom' || opt === 'tags') return;
  if (/^(?:unused|serial|usb|hostpci|virtiofs)\d+$/.test(opt)) return;
  const need = (privs: string[], any = false) => checkVmPerm(ctx, vmid, pool, privs, any);
  if (CPU.has(opt) || /^numa\d+$/.test(opt)) need(['VM.Config.CPU']);
  else if (MEMORY.has(opt)) need(['VM.Config.Memory']);
  else if (HWTYPE.has(opt)) need(['VM.Config.HWType']);
  else if (GENERAL.has(opt)) {
    need(['VM.Config.Options']);
    // startup changes how the host boots its guests.
    if (opt === 'startup') requirePrivs(ctx, '/', ['Sys.Modify']);
  } else if (opt === 'freeze') need(['VM.PowerMgmt']);
  else if (DISK_OPTIONS.has(opt)) need(['VM.Config.Disk']);
  else if (/^net\d+$/.test(opt) || opt === 'running-nets-host-mtu') need(['VM.Config.Network']);
  else if (CLOUDINIT_OPTIONS.has(opt) || /^ipconfig\d+$/.test(opt))
    need(['VM.Config.Cloudinit', 'VM.Config.Network'], true);
  else if (opt === 'vmstate') need(['VM.Config.Disk', 'VM.PowerMgmt']);
  else throw new SimError(500, `only root can set '${opt}' config`);
}

const rootOnly = (what: string): never => {
  throw new SimError(403, `Permission check failed (${what})`);
};

const featureKeys = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .filter((p) => p !== '')
    .map((p) => p.split('=', 1)[0] ?? '');

/**
 * `features`: privileged containers are root's; on an unprivileged one only `nesting` may
 * change, with VM.Allocate.
 */
function checkFeatures(
  need: (privs: string[]) => void,
  changes: KeyChanges,
  value: string | undefined,
): void {
  if (changes.old?.unprivileged !== '1')
    rootOnly('changing feature flags for privileged container is only allowed for root@pam');
  const before = new Map((changes.old?.features ?? '').split(',').map((p) => [p.split('=', 1)[0], p]));
  const after = new Map((value ?? '').split(',').map((p) => [p.split('=', 1)[0], p]));
  const changed = new Set([...featureKeys(changes.old?.features), ...featureKeys(value)]);
  for (const key of changed) if (before.get(key) === after.get(key)) changed.delete(key);
  if ([...changed].some((k) => k !== 'nesting'))
    rootOnly('changing feature flags (except nesting) is only allowed for root@pam');
  if (changed.size > 0) need(['VM.Allocate']);
}

/** `check_ct_modify_config_perm` for one key. */
function checkLxcKey(
  ctx: HandlerContext,
  vmid: number,
  pool: string | undefined,
  opt: string,
  value: string | undefined,
  changes: KeyChanges,
): void {
  const need = (privs: string[]) => checkVmPerm(ctx, vmid, pool, privs);
  if (opt === 'cores' || opt === 'cpuunits' || opt === 'cpulimit') need(['VM.Config.CPU']);
  else if (opt === 'rootfs' || /^mp\d+$/.test(opt)) {
    need(['VM.Config.Disk']);
    if (value !== undefined && (parseDrive('lxc', opt, value).volume ?? '').startsWith('/'))
      rootOnly('mount point type bind is only allowed for root@pam');
  } else if (opt === 'memory' || opt === 'swap') need(['VM.Config.Memory']);
  else if (/^net\d+$/.test(opt)) need(['VM.Config.Network']);
  else if (/^dev\d+$/.test(opt)) rootOnly('configuring device passthrough is only allowed for root@pam');
  else if (opt === 'nameserver' || opt === 'searchdomain' || opt === 'hostname') need(['VM.Config.Network']);
  else if (opt === 'features') checkFeatures(need, changes, value);
  else if (opt === 'hookscript') rootOnly('changing the hookscript is only allowed for root@pam');
  else if (opt !== 'tags') need(['VM.Config.Options']);
}

export interface KeyChanges {
  /** Keys being set, with their new values. */
  set: Record<string, string>;
  /** Keys being deleted or reverted. */
  delete: readonly string[];
  /** The config before the change (none on create). */
  old?: Readonly<Record<string, string>>;
}

export function checkModifyConfigPerm(
  ctx: HandlerContext,
  type: GuestType,
  vmid: number,
  pool: string | undefined,
  changes: KeyChanges,
): void {
  if (isRootCaller(ctx)) return;
  if (type === 'qemu') {
    for (const opt of changes.delete) checkQemuKey(ctx, vmid, pool, opt);
    for (const opt of Object.keys(changes.set)) checkQemuKey(ctx, vmid, pool, opt);
    return;
  }
  for (const [opt, value] of Object.entries(changes.set)) checkLxcKey(ctx, vmid, pool, opt, value, changes);
  for (const opt of changes.delete) checkLxcKey(ctx, vmid, pool, opt, undefined, changes);
}

/** `$check_drive_perms`: a CD-ROM needs VM.Config.CDROM, cloud-init also Cloudinit, disks Disk. */
export function checkDrivePerm(ctx: HandlerContext, vmid: number, key: string, value: string): void {
  if (isRootCaller(ctx)) return;
  const drive = parseDrive('qemu', key, value);
  if (isCloudinit(drive)) checkVmPerm(ctx, vmid, undefined, ['VM.Config.Cloudinit', 'VM.Config.CDROM']);
  else if (isCdrom(drive)) checkVmPerm(ctx, vmid, undefined, ['VM.Config.CDROM']);
  else checkVmPerm(ctx, vmid, undefined, ['VM.Config.Disk']);
}
