/** Guest snapshots: list (with `current`), create, read/update, rollback, delete. */

import { authId, type HandlerContext, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { GuestType } from '../../state/cluster-state.js';
import { assertUnlocked, findGuest } from './common.js';
import { WORKER_PREFIX } from './list.js';

function currentParent(
  snapshots: Map<string, { parent?: string; snaptime: number; name: string }>,
): string | undefined {
  let latest: { name: string; snaptime: number } | undefined;
  for (const s of snapshots.values()) if (!latest || s.snaptime >= latest.snaptime) latest = s;
  return latest?.name;
}

export function listSnapshots(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    const list: Record<string, unknown>[] = [...guest.snapshots.values()].map((s) => {
      const item: Record<string, unknown> = {
        name: s.name,
        description: s.description,
        snaptime: s.snaptime,
      };
      if (s.parent) item.parent = s.parent;
      if (type === 'qemu') item.vmstate = s.vmstate ? 1 : 0;
      return item;
    });
    const current: Record<string, unknown> = {
      name: 'current',
      description: 'You are here!',
      running: guest.status === 'stopped' ? 0 : 1,
    };
    const parent = currentParent(guest.snapshots);
    if (parent) current.parent = parent;
    list.push(current);
    return list;
  };
}

export function createSnapshot(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const guest = findGuest(ctx, type);
    const name = str(ctx.params.snapname) ?? '';
    if (name === 'current') throw new SimError(500, "snapshot name 'current' is reserved");
    if (guest.snapshots.has(name)) throw new SimError(500, `snapshot name '${name}' already used`);
    assertUnlocked(guest);
    guest.lock = 'snapshot';
    const parent = currentParent(guest.snapshots);
    return core.tasks.start({
      node: guest.node,
      type: `${WORKER_PREFIX[type]}snapshot`,
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        delete guest.lock;
        guest.snapshots.set(name, {
          name,
          description: str(ctx.params.description) ?? '',
          snaptime: Math.floor(core.clock.now() / 1000),
          vmstate: str(ctx.params.vmstate) === '1',
          config: { ...guest.config },
          ...(parent ? { parent } : {}),
        });
      },
    }).upid;
  };
}

function findSnapshot(ctx: HandlerContext, type: GuestType) {
  const guest = findGuest(ctx, type);
  const name = str(ctx.params.snapname) ?? '';
  const snapshot = guest.snapshots.get(name);
  if (!snapshot) throw new SimError(500, `snapshot '${name}' does not exist`);
  return { guest, snapshot };
}

export function snapshotConfig(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { snapshot } = findSnapshot(ctx, type);
    return { ...snapshot.config, description: snapshot.description, snaptime: snapshot.snaptime };
  };
}

export function updateSnapshot(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { snapshot } = findSnapshot(ctx, type);
    const description = str(ctx.params.description);
    if (description !== undefined) snapshot.description = description;
    return null;
  };
}

export function rollbackSnapshot(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const { guest, snapshot } = findSnapshot(ctx, type);
    assertUnlocked(guest);
    guest.lock = 'rollback';
    const start = str(ctx.params.start) === '1';
    return core.tasks.start({
      node: guest.node,
      type: `${WORKER_PREFIX[type]}rollback`,
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        delete guest.lock;
        guest.config = { ...snapshot.config };
        guest.pending = {};
        guest.pendingDelete.clear();
        guest.status = snapshot.vmstate || start ? 'running' : 'stopped';
        if (guest.status === 'running') guest.startedAt = core.clock.now();
        else delete guest.startedAt;
      },
    }).upid;
  };
}

export function deleteSnapshot(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const { guest, snapshot } = findSnapshot(ctx, type);
    if (str(ctx.params.force) !== '1') assertUnlocked(guest);
    return core.tasks.start({
      node: guest.node,
      type: `${WORKER_PREFIX[type]}delsnapshot`,
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        for (const other of guest.snapshots.values()) {
          if (other.parent === snapshot.name) {
            if (snapshot.parent) other.parent = snapshot.parent;
            else delete other.parent;
          }
        }
        guest.snapshots.delete(snapshot.name);
      },
    }).upid;
  };
}
