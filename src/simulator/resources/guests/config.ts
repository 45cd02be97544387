/**
 * Guest configuration: read, change with `delete` and `digest`, and the pending queue.
 * Changes to a running guest that cannot be hot-plugged wait in `pending` until the next
 * start, as on PVE.
 */

import { authId, type HandlerContext, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import { typedRecord } from '../../engine/typed-values.js';
import type { Guest, GuestType } from '../../state/cluster-state.js';
import { assertUnlocked, findGuest } from './common.js';
import { checkSshKeys } from './ssh-keys.js';

const MASK = '**********';
const META = new Set(['node', 'vmid', 'digest', 'delete', 'revert', 'skiplock', 'force', 'background_delay']);
const LIVE_KEYS =
  /^(name|hostname|description|tags|onboot|protection|startup|hookscript|lock|(net|scsi|virtio|sata|ide|usb|mp)\d+)$/;

export function configDigest(config: Record<string, string>): string {
  let h = 0x811c9dc5;
  const text = JSON.stringify(Object.entries(config).sort());
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(5);
}

/** Applies what waits in `pending` (on start and reboot). */
export function applyPending(guest: Guest): void {
  Object.assign(guest.config, guest.pending);
  for (const key of guest.pendingDelete) delete guest.config[key];
  guest.pending = {};
  guest.pendingDelete.clear();
}

export function readConfig(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    const current = str(ctx.params.current) === '1';
    const config = current ? { ...guest.config } : { ...guest.config, ...guest.pending };
    if (guest.lock) config.lock = guest.lock;
    if (guest.template) config.template = '1';
    const snapname = str(ctx.params.snapshot);
    const source = snapname ? guest.snapshots.get(snapname)?.config : undefined;
    if (snapname && !source) throw new SimError(500, `snapshot '${snapname}' does not exist`);
    const out = typedRecord(source ?? config, ctx.info.api?.returns, true);
    // qemu-server PVE/API2/Qemu.pm vm_config: the cloud-init password never reads back.
    if (out.cipassword !== undefined) out.cipassword = MASK;
    out.digest = configDigest(guest.config);
    return out;
  };
}

function changeConfig(ctx: HandlerContext, guest: Guest): void {
  const digest = str(ctx.params.digest);
  if (digest && digest !== configDigest(guest.config)) {
    throw new SimError(500, 'detected modified configuration - file changed by other user? Try again.');
  }
  if (str(ctx.params.skiplock) !== '1') assertUnlocked(guest);
  if (guest.type === 'qemu') checkSshKeys(ctx);
  const removals = (str(ctx.params.delete) ?? '').split(/[,;\s]+/).filter((k) => k !== '');
  const reverts = (str(ctx.params.revert) ?? '').split(/[,;\s]+/).filter((k) => k !== '');
  const live = guest.status === 'stopped';
  for (const key of reverts) {
    delete guest.pending[key];
    guest.pendingDelete.delete(key);
  }
  for (const key of removals) {
    if (live || LIVE_KEYS.test(key)) delete guest.config[key];
    else guest.pendingDelete.add(key);
  }
  for (const [key, value] of Object.entries(ctx.params)) {
    if (META.has(key)) continue;
    if (removals.includes(key))
      throw new SimError(400, 'Parameter verification failed.', {
        [key]: 'unable to delete and set the same option',
      });
    const text = Array.isArray(value) ? value.join(',') : value;
    if (live || LIVE_KEYS.test(key)) guest.config[key] = text;
    else guest.pending[key] = text;
  }
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
      const hide = (v: string) => (key === 'cipassword' ? MASK : v);
      if (guest.config[key] !== undefined) item.value = hide(guest.config[key]);
      if (guest.pending[key] !== undefined) item.pending = hide(guest.pending[key]);
      if (guest.pendingDelete.has(key)) item.delete = 1;
      return item;
    });
  };
}
