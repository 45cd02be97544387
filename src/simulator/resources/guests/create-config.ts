/**
 * The config a create call stores, as qemu-server API2/Qemu.pm `create_vm` and
 * pve-container API2/LXC.pm `create_vm` build it: the per-key permission and storage checks
 * first, NICs get their MACs, disks (`scsi0: local-lvm:8`, `rootfs: local-lvm:8`) are
 * allocated, and qemu adds what it generates (`meta`, `boot`, `smbios1`, `vmgenid`).
 */
import { type HandlerContext, str } from '../../engine/handler.js';
import { paramError } from '../../engine/sim-error.js';
import type { GuestType } from '../../state/cluster-state.js';
import { CREATE_ONLY_PARAMS } from './common.js';
import { checkModifyConfigPerm } from './config-perms.js';
import { checkStorageAccess, createDisks, type DiskTarget } from './disk-alloc.js';
import { compareDrives, isCdrom, isDriveKey, parseDrive } from './drives.js';
import { newUuid } from './generated-ids.js';
import { normalizeValue } from './normalize.js';

/** qemu-server Helpers.pm `kvm_user_version`, as the simulated nodes' QEMU reports it. */
const QEMU_VERSION = '9.2.0';

/** QemuServer.pm `get_default_bootdevices`: first disk, first CD-ROM, first NIC. */
export function defaultBootOrder(config: Record<string, string>): string[] {
  const drives = Object.keys(config)
    .filter((k) => isDriveKey('qemu', k) && k !== 'efidisk0' && k !== 'tpmstate0')
    .sort(compareDrives('qemu'));
  const cdrom = (k: string) => isCdrom(parseDrive('qemu', k, config[k] ?? ''));
  const out: string[] = [];
  const disk = drives.find((k) => !cdrom(k));
  if (disk) out.push(disk);
  const cd = drives.find(cdrom);
  if (cd) out.push(cd);
  const net = Object.keys(config)
    .filter((k) => /^net\d+$/.test(k))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))[0];
  if (net) out.push(net);
  return out;
}

/** The parameters of the call that are config keys, `cdrom` as the `ide2` it stands for. */
function configParams(ctx: HandlerContext, type: GuestType): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.params))
    if (!CREATE_ONLY_PARAMS.has(key)) config[key] = Array.isArray(value) ? value.join(',') : value;
  if (type === 'qemu' && config.cdrom !== undefined) {
    // `$resolve_cdrom_alias`
    config.ide2 = `${config.cdrom},media=cdrom`;
    delete config.cdrom;
  }
  return config;
}

/** LXC's `rootfs`/`mpN` given as a bare size go to the `storage` parameter (default `local`). */
function lxcMountPoints(config: Record<string, string>, storage: string): void {
  if (config.rootfs === undefined && Object.keys(config).some((k) => /^mp\d+$/.test(k)))
    throw paramError({ rootfs: "mount points configured, but 'rootfs' not set - aborting" });
  config.rootfs ??= `${storage}:4`;
  for (const key of Object.keys(config))
    if (isDriveKey('lxc', key) && /^\d+(\.\d+)?(,|$)/.test(config[key] ?? ''))
      config[key] = `${storage}:${config[key]}`;
}

export function createConfig(
  ctx: HandlerContext,
  target: Omit<DiskTarget, 'context' | 'template' | 'defaultStorage'>,
  pool: string | undefined,
): Record<string, string> {
  const { type } = target;
  const config = configParams(ctx, type);
  const storage = str(ctx.params.storage);
  if (type === 'lxc') lxcMountPoints(config, storage ?? 'local');
  const disks: DiskTarget = {
    ...target,
    template: false,
    context: 'create',
    ...(storage === undefined ? {} : { defaultStorage: storage }),
  };
  checkStorageAccess(ctx, disks, config);
  checkModifyConfigPerm(ctx, type, target.vmid, pool, { set: config, delete: [] });
  for (const key of Object.keys(config)) config[key] = normalizeValue(ctx.core, type, key, config[key] ?? '');
  Object.assign(config, createDisks(ctx.core, disks, config));
  if (type === 'lxc') return config;
  const meta = `creation-qemu=${QEMU_VERSION},ctime=${Math.floor(ctx.core.clock.now() / 1000)}`;
  const out: Record<string, string> = { ...config, meta };
  if (!out.boot) {
    const order = defaultBootOrder(out);
    if (order.length > 0) out.boot = `order=${order.join(';')}`;
  }
  out.smbios1 ||= `uuid=${newUuid(ctx.core.cluster)}`;
  if (out.vmgenid === undefined || out.vmgenid === '1') out.vmgenid = newUuid(ctx.core.cluster);
  return out;
}
