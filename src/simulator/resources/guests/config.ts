/**
 * Guest configuration: read (with `digest`), change, and the pending queue, following
 * qemu-server API2/Qemu.pm `update_vm_api` and pve-container API2/LXC/Config.pm
 * `update_vm` with Config.pm `update_pct_config`: every change is written to `pending`
 * first; a stopped guest then takes all of it, a running one what it can take live.
 */
import { authId, type HandlerContext, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { typedRecord } from '../../engine/typed-values.js';
import type { Guest, GuestType } from '../../state/cluster-state.js';
import { MODIFIED } from '../../state/config-digest.js';
import { assertUnlocked, findGuest } from './common.js';
import { checkDrivePerm, checkModifyConfigPerm, isRootCaller } from './config-perms.js';
import { checkStorageAccess, createDisks, type DiskTarget, driveVolume } from './disk-alloc.js';
import { isCdrom, isDriveKey, keepAsUnused, ownsVolume, parseDrive } from './drives.js';
import { configDigest, normalizeValue } from './normalize.js';
import { applyPending, cleanupPending, hotplugPending } from './pending.js';
import { isConfigOption } from './property-string.js';
import { checkSshKeys } from './ssh-keys.js';

export { configDigest };

const META = new Set([
  'node',
  'vmid',
  'digest',
  'delete',
  'revert',
  'skiplock',
  'force',
  'background_delay',
  'skip_cloud_init',
  'import-working-storage',
]);

const splitList = (value: string | string[] | undefined): string[] =>
  (str(value) ?? '').split(/[,;\s]+/).filter((k) => k !== '');

export function readConfig(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    const current = str(ctx.params.current) === '1';
    const config = current ? { ...guest.config } : { ...guest.config, ...guest.pending };
    if (guest.lock) config.lock = guest.lock;
    if (guest.template) config.template = '1';
    // qemu-server `vm_config` never hands out the cloud-init password.
    if (config.cipassword !== undefined) config.cipassword = '**********';
    const snapname = str(ctx.params.snapshot);
    const source = snapname ? guest.snapshots.get(snapname)?.config : undefined;
    if (snapname && !source) throw new SimError(500, `snapshot '${snapname}' does not exist`);
    const out = typedRecord(source ?? config, ctx.info.api?.returns, true);
    out.digest = configDigest(guest);
    return out;
  };
}

/** The option exists in the guest's config schema (`option_exists`). */
const optionExists = isConfigOption;

interface Request {
  set: Record<string, string>;
  deletes: string[];
  reverts: string[];
  force: boolean;
}

/** The parameter checks `update_vm_api` / `update_vm` make before touching the config. */
function readRequest(ctx: HandlerContext, guest: Guest): Request {
  const type = guest.type;
  if (str(ctx.params.skiplock) === '1' && !isRootCaller(ctx))
    throw paramError({ skiplock: 'Only root may use this option.' });
  const set: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.params))
    if (!META.has(key)) set[key] = Array.isArray(value) ? value.join(',') : value;
  if (type === 'qemu' && set.cdrom !== undefined) {
    set.ide2 = /media=/.test(set.cdrom) ? set.cdrom : `${set.cdrom},media=cdrom`;
    delete set.cdrom;
  }
  const reverts = splitList(ctx.params.revert);
  const deletes = splitList(ctx.params.delete).map((k) => (type === 'qemu' && k === 'cdrom' ? 'ide2' : k));
  if (Object.keys(set).length === 0 && deletes.length === 0 && reverts.length === 0)
    throw new SimError(500, 'no options specified');
  for (const opt of reverts) {
    if (!optionExists(type, opt)) throw paramError({ revert: `unknown option '${opt}'` });
    if (set[opt] !== undefined)
      throw paramError({
        [type === 'qemu' ? 'delete' : 'revert']:
          `you can't use '-${opt}' and -revert ${opt}' at the same time`,
      });
  }
  for (const opt of deletes) {
    if (set[opt] !== undefined)
      throw paramError({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
    if (reverts.includes(opt))
      throw paramError({ revert: `you can't use '-delete ${opt}' and -revert ${opt}' at the same time` });
    if (!optionExists(type, opt)) throw paramError({ delete: `unknown option '${opt}'` });
  }
  return { set, deletes, reverts, force: str(ctx.params.force) === '1' };
}

/**
 * Deleting `unusedN` frees the volume at once (qemu `try_deallocate_drive`, pve-container
 * `delete_mountpoint_volume`): with the key gone, no config names it any more.
 */
function deleteUnused(guest: Guest, key: string, volid: string): void {
  if (guest.config.protection === '1')
    throw new SimError(500, `can't remove unused disk '${volid}' - protection mode enabled`);
  if (ownsVolume(guest, volid)) {
    const inSnapshot = [...guest.snapshots.values()].some((s) =>
      Object.values(s.config).some((v) => v.split(',')[0] === volid),
    );
    if (inSnapshot)
      throw new SimError(500, `unable to delete '${volid}' - volume is still in use (snapshot?)`);
  }
  delete guest.config[key];
}

/** Drops a device from `boot: order=...` (qemu `update_vm_api` does so on delete). */
function dropFromBootOrder(guest: Guest, key: string): void {
  const boot = guest.pending.boot ?? guest.config.boot;
  const match = /(?:^|,)order=([^,]+)/.exec(boot ?? '');
  if (!boot || !match) return;
  const order = (match[1] ?? '').split(';');
  if (!order.includes(key)) return;
  const left = order.filter((d) => d !== key);
  guest.pending.boot = left.length ? `order=${left.join(';')}` : '';
}

function queueDeletes(ctx: HandlerContext, guest: Guest, request: Request): void {
  for (const opt of request.deletes) {
    const value = guest.config[opt] ?? guest.pending[opt];
    if (value === undefined) continue;
    const wasPending = guest.pending[opt] !== undefined;
    delete guest.pending[opt];
    if (guest.type === 'qemu') dropFromBootOrder(guest, opt);
    if (/^unused\d+$/.test(opt)) {
      deleteUnused(
        guest,
        opt,
        parseDrive(guest.type, opt, value)[guest.type === 'qemu' ? 'file' : 'volume'] ?? value,
      );
      continue;
    }
    if (isDriveKey(guest.type, opt)) {
      if (guest.config.protection === '1')
        throw new SimError(500, `can't remove drive '${opt}' - protection mode enabled`);
      if (guest.type === 'qemu') checkDrivePerm(ctx, guest.vmid, opt, value);
      // A disk that was only pending is detached at once; it never reached the config.
      const volid = wasPending ? driveVolume(guest.type, opt, value) : undefined;
      if (volid !== undefined) keepAsUnused(guest, volid, value);
      if (guest.config[opt] === undefined) continue;
    }
    if (opt === 'tags') {
      delete guest.config.tags;
      continue;
    }
    if (guest.type === 'lxc' && ['memory', 'rootfs', 'ostype'].includes(opt))
      throw new SimError(500, `unable to delete required option '${opt}'`);
    guest.pendingDelete.add(opt);
  }
}

function queueChanges(ctx: HandlerContext, guest: Guest, request: Request, target: DiskTarget): void {
  for (const [opt, raw] of Object.entries(request.set)) {
    const value = normalizeValue(ctx.core, guest.type, opt, raw);
    if (guest.pending[opt] === value) continue;
    if (guest.type === 'qemu' && isDriveKey('qemu', opt)) {
      const old = guest.config[opt];
      if (old !== undefined) checkDrivePerm(ctx, guest.vmid, opt, old);
      checkDrivePerm(ctx, guest.vmid, opt, value);
      const pendingValue = guest.pending[opt];
      const pendingVolid = pendingValue && driveVolume('qemu', opt, pendingValue);
      if (pendingVolid) keepAsUnused(guest, pendingVolid, pendingValue);
      guest.pending[opt] = createDisks(ctx.core, target, { [opt]: value })[opt] ?? value;
      appendCdromToBootOrder(guest, opt);
    } else if (opt === 'boot') {
      guest.pending.boot = checkBootOrder(guest, request, value);
    } else if (opt === 'cipassword') {
      guest.config.cipassword = value;
    } else {
      if (guest.type === 'lxc' && opt === 'unprivileged')
        throw new SimError(500, `unable to modify read-only option: '${opt}'`);
      guest.pending[opt] = value;
    }
    guest.pendingDelete.delete(opt);
  }
}

/** A new CD-ROM drive joins an explicit boot order (`update_vm_api`). */
function appendCdromToBootOrder(guest: Guest, key: string): void {
  const boot = guest.pending.boot ?? guest.config.boot;
  const match = /(?:^|,)order=([^,]+)/.exec(boot ?? '');
  const value = guest.pending[key];
  if (!match || value === undefined || !isCdrom(parseDrive('qemu', key, value))) return;
  const order = (match[1] ?? '').split(';');
  if (!order.includes(key)) guest.pending.boot = `order=${[...order, key].join(';')}`;
}

function checkBootOrder(guest: Guest, request: Request, value: string): string {
  const match = /(?:^|,)order=([^,]+)/.exec(value);
  if (!match) return value;
  const devices = (match[1] ?? '').split(/[;,\s]+/).filter((d) => d !== '');
  for (const dev of devices) {
    const exists = guest.config[dev] ?? guest.pending[dev] ?? request.set[dev];
    if (exists === undefined || request.deletes.includes(dev))
      throw new SimError(500, `invalid bootorder: device '${dev}' does not exist'`);
  }
  if (guest.config.bootdisk !== undefined) guest.pendingDelete.add('bootdisk');
  return `order=${devices.join(';')}`;
}

function changeConfig(ctx: HandlerContext, guest: Guest): void {
  const request = readRequest(ctx, guest);
  const digest = str(ctx.params.digest);
  if (digest && digest !== configDigest(guest))
    throw new SimError(
      500,
      guest.type === 'qemu' ? 'checksum mismatch (file change by other user?)' : MODIFIED,
    );
  if (str(ctx.params.skiplock) !== '1') assertUnlocked(guest);
  if (guest.type === 'qemu') checkSshKeys(ctx);
  checkModifyConfigPerm(ctx, guest.type, guest.vmid, undefined, {
    set: request.set,
    delete: [...request.deletes, ...request.reverts],
    old: guest.config,
  });
  const target: DiskTarget = {
    type: guest.type,
    vmid: guest.vmid,
    node: guest.node,
    template: guest.template,
    context: 'update',
  };
  checkStorageAccess(ctx, target, request.set);
  checkBalloon(guest, request.set);
  for (const opt of request.reverts) {
    delete guest.pending[opt];
    guest.pendingDelete.delete(opt);
  }
  queueDeletes(ctx, guest, request);
  queueChanges(ctx, guest, request, target);
  cleanupPending(guest);
  const touched = new Set([...Object.keys(request.set), ...request.deletes, 'boot']);
  if (guest.status === 'stopped') {
    applyPending(ctx.core, guest);
    return;
  }
  const errors = hotplugPending(ctx.core, guest, touched);
  if (Object.keys(errors).length > 0) throw paramError(errors);
}

function checkBalloon(guest: Guest, set: Record<string, string>): void {
  if (guest.type !== 'qemu' || (set.memory === undefined && set.balloon === undefined)) return;
  const memory = Number(set.memory ?? guest.pending.memory ?? guest.config.memory ?? 2048);
  const balloon = Number(set.balloon ?? guest.pending.balloon ?? guest.config.balloon ?? 0);
  if (balloon > memory)
    throw new SimError(500, 'balloon value too large (must be smaller than assigned memory)');
}

/** PUT: synchronous, answers null. */
export function updateConfigSync(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    changeConfig(ctx, findGuest(ctx, type));
    return null;
  };
}

/** QEMU's POST: the same change, answered with a task. */
export function updateConfigAsync(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    changeConfig(ctx, guest);
    return ctx.core.tasks.start({
      node: guest.node,
      type: 'qmconfig',
      id: String(guest.vmid),
      user: authId(ctx.subject),
    }).upid;
  };
}

export function pendingList(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    const keys = new Set([
      ...Object.keys(guest.config),
      ...Object.keys(guest.pending),
      ...guest.pendingDelete,
    ]);
    return [...keys].sort().map((key) => {
      const item: Record<string, unknown> = { key };
      // vm_pending masks the cloud-init password in both columns.
      const hide = (v: string) => (key === 'cipassword' ? '**********' : v);
      if (guest.config[key] !== undefined) item.value = hide(guest.config[key]);
      if (guest.pending[key] !== undefined) item.pending = hide(guest.pending[key]);
      if (guest.pendingDelete.has(key)) item.delete = 1;
      return item;
    });
  };
}
