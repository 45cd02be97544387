/**
 * Guest power state, template, clone and destroy (migrate.ts moves guests), with the rules a cluster
 * enforces: one vmid cluster-wide, no start of a running guest, no destroy of a running
 * one, nothing on a locked guest, locks held while the task runs.
 */

import type { EngineCore } from '../../engine/engine-core.js';
import { authId, type HandlerContext, requirePrivs, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest, GuestType } from '../../state/cluster-state.js';
import { guestProcessEnded } from '../console/sessions.js';
import { findStorage } from '../storage/lookup.js';
import { checkClone, cloneConfig, toBaseVolumes } from './clone-config.js';
import { cloneTargetConflict } from './clone-target.js';
import { assertUnlocked, findGuest, parseVmid, requireNode, yes } from './common.js';
import { guestItem, WORKER_PREFIX } from './list.js';
import { applyPending } from './pending.js';

export type PowerAction = 'start' | 'stop' | 'shutdown' | 'reboot' | 'suspend' | 'resume';

const label = (g: Guest): string => (g.type === 'qemu' ? `VM ${g.vmid}` : `CT ${g.vmid}`);

export function currentStatus(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    const item = guestItem(ctx.core, guest);
    item.ha = { managed: 0 };
    if (type === 'qemu') {
      item.qmpstatus = guest.status;
      item.agent = Number(/^(1|enabled=1)/.test(guest.config.agent ?? ''));
    }
    return item;
  };
}

export function powerAction(type: GuestType, kind: PowerAction) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const guest = findGuest(ctx, type);
    // `stop` may override a lock held by a hanging shutdown, as PVE's `skiplock` allows for root.
    if (kind !== 'stop' || !yes(ctx.params.skiplock)) assertUnlocked(guest);
    if (kind === 'start' && guest.template)
      throw new SimError(500, `you can't start a vm if it's a template`);
    if (kind === 'start' && guest.status !== 'stopped')
      throw new SimError(500, `${label(guest)} already running`);
    if (kind !== 'start' && guest.status === 'stopped')
      throw new SimError(500, `${label(guest)} not running`);
    const task = core.tasks.start({
      node: guest.node,
      type: `${WORKER_PREFIX[type]}${kind}`,
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        // A reboot through the API restarts the QEMU process (qemu-server vm_reboot: shutdown,
        // then start) or the container: their consoles end like on a stop.
        if (kind === 'stop' || kind === 'shutdown' || kind === 'reboot') guestProcessEnded(core, guest.vmid);
        if (kind === 'start' || kind === 'reboot') {
          applyPending(core, guest);
          guest.status = 'running';
          guest.startedAt = core.clock.now();
        }
        if (kind === 'resume') guest.status = 'running';
        if (kind === 'suspend') guest.status = 'paused';
        if (kind === 'stop' || kind === 'shutdown') {
          guest.status = 'stopped';
          delete guest.startedAt;
        }
      },
    });
    return task.upid;
  };
}

export function destroyGuest(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const guest = findGuest(ctx, type);
    assertUnlocked(guest);
    if (guest.status !== 'stopped') throw new SimError(500, `${label(guest)} is running - destroy failed`);
    if (guest.config.protection === '1')
      throw new SimError(500, `can't remove ${label(guest)} - protection mode enabled`);
    const purge = yes(ctx.params.purge);
    const unreferenced = yes(ctx.params['destroy-unreferenced-disks']);
    // qemu-server destroy_vm / pve-container destroy_vm: an HA resource stays only without purge.
    const sid = `${type === 'qemu' ? 'vm' : 'ct'}:${guest.vmid}`;
    if (!purge && core.ha.resources.has(sid))
      throw new SimError(
        500,
        `unable to remove ${label(guest)} - used in HA resources and purge parameter not set.`,
      );
    guest.lock = 'destroyed';
    return core.tasks.start({
      node: guest.node,
      type: `${WORKER_PREFIX[type]}destroy`,
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        // Its disks go with the config that names them (storage/volumes.ts); images of its
        // vmid that no config names only with destroy-unreferenced-disks (destroy_vm).
        core.cluster.guests.delete(guest.vmid);
        if (unreferenced) freeUnreferenced(core, guest);
        if (guest.pool) core.cluster.pools.get(guest.pool)?.members.delete(`${type}/${guest.vmid}`);
        // PVE::AccessControl::remove_vm_access runs with or without purge.
        core.access.acl = core.access.acl.filter((e) => e.path !== `/vms/${guest.vmid}`);
        if (!purge || !core.ha.resources.delete(sid)) return undefined;
        return [`NOTE: removed ${label(guest)} from HA resource configuration.`];
      },
    }).upid;
  };
}

/** Images of the guest's vmid on every storage of its node that no config names. */
function freeUnreferenced(core: EngineCore, guest: Guest): void {
  for (const storage of core.storage.storages.values()) {
    if (!core.storage.availableOn(storage, guest.node)) continue;
    const volumes = core.storage.volumes(guest.node, storage.storage);
    for (const [volid, volume] of volumes)
      if (volume.vmid === guest.vmid && (volume.content === 'images' || volume.content === 'rootdir'))
        volumes.delete(volid);
  }
}

export function makeTemplate(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    assertUnlocked(guest);
    if (guest.template) throw new SimError(500, `${label(guest)} is already a template`);
    if (guest.status !== 'stopped') throw new SimError(500, `${label(guest)} is running`);
    guest.lock = 'template';
    const task = ctx.core.tasks.start({
      node: guest.node,
      type: `${WORKER_PREFIX[type]}template`,
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        delete guest.lock;
        toBaseVolumes(guest);
        guest.template = true;
      },
    });
    return type === 'qemu' ? task.upid : null;
  };
}

export function cloneGuest(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const source = findGuest(ctx, type);
    const newid = parseVmid(str(ctx.params.newid));
    const target = requireNode(core, str(ctx.params.target) ?? source.node);
    const pool = str(ctx.params.pool);
    requirePrivs(ctx, pool ? `/pool/${pool}` : `/vms/${newid}`, ['VM.Allocate']);
    assertUnlocked(source);
    const conflict = cloneTargetConflict(core.cluster, source, newid);
    const snapname = str(ctx.params.snapname);
    const snapshot = snapname ? source.snapshots.get(snapname) : undefined;
    if (snapname && !snapshot) throw new SimError(500, `snapshot '${snapname}' does not exist`);
    const full = ctx.params.full === undefined ? !source.template : yes(ctx.params.full);
    const storageId = str(ctx.params.storage);
    const request = {
      source,
      config: snapshot?.config ?? source.config,
      newid,
      target,
      full,
      storage: storageId === undefined ? undefined : findStorage(core, storageId, source.node),
      format: str(ctx.params.format),
    };
    checkClone(ctx, request);
    if (conflict !== undefined) return failedCloneTask(ctx, source, conflict);
    const config = cloneConfig(ctx, request);
    const clone: Guest = {
      vmid: newid,
      type,
      node: target,
      status: 'stopped',
      template: false,
      lock: 'create',
      config,
      pending: {},
      pendingDelete: new Set(),
      snapshots: new Map(),
    };
    if (pool) {
      clone.pool = pool;
      core.cluster.pools.get(pool)?.members.add(`${type}/${newid}`);
    }
    core.cluster.guests.set(newid, clone);
    source.lock = 'clone';
    return core.tasks.start({
      node: source.node,
      type: `${WORKER_PREFIX[type]}clone`,
      id: String(source.vmid),
      user: authId(ctx.subject),
      work: () => {
        delete source.lock;
        delete clone.lock;
      },
    }).upid;
  };
}

/** The qmclone task of a clone whose new id another node took: it fails, creating nothing. */
function failedCloneTask(ctx: HandlerContext, source: Guest, error: string): string {
  source.lock = 'clone';
  return ctx.core.tasks.start({
    node: source.node,
    type: `${WORKER_PREFIX[source.type]}clone`,
    id: String(source.vmid),
    user: authId(ctx.subject),
    work: () => {
      delete source.lock;
      throw new Error(error);
    },
  }).upid;
}

export { parseVmid };
