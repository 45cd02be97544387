/**
 * PBS datastores: the config, status, namespaces, backup groups and snapshots (list,
 * protect, notes, delete, garbage collection as a task).
 */
import { hasPrivileges } from '../../access/acl.js';
import type { EngineCore } from '../../engine/engine-core.js';
import { authId, type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { BackupSnapshot, Datastore } from '../../state/pbs-state.js';

const yes = (v: string | undefined): boolean => /^(1|true|yes|on)$/i.test(v ?? '');
const iso = (t: number): string => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function store(ctx: HandlerContext, param = 'store'): Datastore {
  const name = str(ctx.params[param]) ?? '';
  const found = ctx.core.datastores.get(name);
  if (!found) throw new SimError(400, `datastore '${name}' does not exist`);
  return found;
}

function canRead(ctx: HandlerContext, name: string, ns = ''): boolean {
  if (!ctx.subject) return true;
  const path = ns ? `/datastore/${name}/${ns}` : `/datastore/${name}`;
  return hasPrivileges(
    ctx.core.access,
    ctx.subject,
    path,
    ['Datastore.Audit', 'Datastore.Backup', 'Datastore.Read'],
    { any: true },
  );
}

function namespace(ctx: HandlerContext, ds: Datastore): string {
  const ns = str(ctx.params.ns) ?? '';
  if (!ds.namespaces.has(ns)) throw new SimError(400, `namespace '${ns}' does not exist`);
  if (!canRead(ctx, ds.name, ns)) throw new SimError(403, 'permission check failed');
  return ns;
}

function snapshotItem(s: BackupSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {
    'backup-type': s.type,
    'backup-id': s.id,
    'backup-time': s.time,
    files: [...s.files],
    size: s.size,
    owner: s.owner,
    protected: s.protected,
  };
  if (s.notes) out.comment = s.notes.split('\n')[0];
  return out;
}

function findSnapshot(ctx: HandlerContext): { ds: Datastore; snap: BackupSnapshot } {
  const ds = store(ctx);
  const ns = namespace(ctx, ds);
  const type = str(ctx.params['backup-type']);
  const id = str(ctx.params['backup-id']);
  const time = Number(str(ctx.params['backup-time']));
  const snap = ds.snapshots.find((s) => s.ns === ns && s.type === type && s.id === id && s.time === time);
  if (!snap)
    throw new SimError(400, `snapshot ${type}/${id}/${Number.isNaN(time) ? '' : iso(time)} does not exist`);
  return { ds, snap };
}

function list(ctx: HandlerContext): unknown {
  return [...ctx.core.datastores.values()]
    .filter((ds) => canRead(ctx, ds.name))
    .map((ds) => ({
      store: ds.name,
      comment: ds.comment ?? '',
      'backend-type': 'filesystem',
      'mount-status': 'nonremovable',
    }));
}

function status(ctx: HandlerContext): unknown {
  const ds = store(ctx);
  const used = ds.snapshots.reduce((sum, s) => sum + s.size, 0);
  const counts: Record<string, { groups: number; snapshots: number }> = {};
  for (const s of ds.snapshots) {
    counts[s.type] ??= { groups: 0, snapshots: 0 };
    counts[s.type]!.snapshots++;
  }
  return { total: ds.total, used, avail: ds.total - used, 'backend-type': 'filesystem', counts };
}

function namespaces(ctx: HandlerContext): unknown {
  const ds = store(ctx);
  const parent = str(ctx.params.parent) ?? '';
  const depth = Number(str(ctx.params['max-depth']) ?? 7);
  return [...ds.namespaces]
    .filter(
      (ns) => (parent === '' || ns === parent || ns.startsWith(`${parent}/`)) && canRead(ctx, ds.name, ns),
    )
    .filter(
      (ns) =>
        ns.split('/').filter((p) => p !== '').length - parent.split('/').filter((p) => p !== '').length <=
        depth,
    )
    .sort()
    .map((ns) => ({ ns }));
}

function createNamespace(ctx: HandlerContext): unknown {
  const ds = store(ctx);
  const parent = str(ctx.params.parent) ?? '';
  if (!ds.namespaces.has(parent)) throw new SimError(400, `parent namespace '${parent}' does not exist`);
  const ns = parent ? `${parent}/${str(ctx.params.name)}` : (str(ctx.params.name) ?? '');
  if (ns.split('/').length > 7) throw new SimError(400, 'namespace too deep');
  if (ds.namespaces.has(ns)) throw new SimError(400, `namespace '${ns}' already exists`);
  ds.namespaces.add(ns);
  return ns;
}

function deleteNamespace(ctx: HandlerContext): unknown {
  const ds = store(ctx);
  const ns = namespace(ctx, ds);
  if (ns === '') throw new SimError(400, 'cannot delete root namespace');
  const inside = (x: string): boolean => x === ns || x.startsWith(`${ns}/`);
  const held = ds.snapshots.filter((s) => inside(s.ns));
  if (held.length > 0 && !yes(str(ctx.params['delete-groups'])))
    throw new SimError(400, `namespace '${ns}' is not empty`);
  ds.snapshots = ds.snapshots.filter((s) => !inside(s.ns) || s.protected);
  for (const x of [...ds.namespaces]) if (inside(x)) ds.namespaces.delete(x);
  return { 'removed-groups': held.length, 'protected-snapshots': 0, 'removed-snapshots': held.length };
}

function groups(ctx: HandlerContext): unknown {
  const ds = store(ctx);
  const ns = namespace(ctx, ds);
  const byGroup = new Map<string, BackupSnapshot[]>();
  for (const s of ds.snapshots) {
    if (s.ns !== ns) continue;
    const key = `${s.type}/${s.id}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), s]);
  }
  return [...byGroup.values()].map((snaps) => {
    const last = snaps.reduce((a, b) => (a.time > b.time ? a : b));
    return {
      'backup-type': last.type,
      'backup-id': last.id,
      'last-backup': last.time,
      'backup-count': snaps.length,
      owner: last.owner,
      files: last.files,
    };
  });
}

function snapshots(ctx: HandlerContext): unknown {
  const ds = store(ctx);
  const ns = namespace(ctx, ds);
  const type = str(ctx.params['backup-type']);
  const id = str(ctx.params['backup-id']);
  return ds.snapshots
    .filter((s) => s.ns === ns && (!type || s.type === type) && (!id || s.id === id))
    .sort((a, b) => b.time - a.time)
    .map(snapshotItem);
}

function deleteSnapshot(ctx: HandlerContext): unknown {
  const { ds, snap } = findSnapshot(ctx);
  if (snap.protected) throw new SimError(400, `cannot remove protected snapshot`);
  ds.snapshots = ds.snapshots.filter((s) => s !== snap);
  return null;
}

function gc(ctx: HandlerContext, core: EngineCore): unknown {
  const ds = store(ctx);
  return core.tasks.start({
    node: core.localNode,
    type: 'garbage_collection',
    id: ds.name,
    user: authId(ctx.subject),
  }).upid;
}

function configItem(ds: Datastore): Record<string, unknown> {
  const out: Record<string, unknown> = { name: ds.name, path: ds.path, ...ds.extra };
  if (ds.comment) out.comment = ds.comment;
  return out;
}

function createStore(ctx: HandlerContext): unknown {
  const name = str(ctx.params.name) ?? '';
  if (ctx.core.datastores.has(name)) throw new SimError(400, `datastore '${name}' already exists.`);
  const ds: Datastore = {
    name,
    path: str(ctx.params.path) ?? `/mnt/datastore/${name}`,
    total: 1024 ** 4,
    namespaces: new Set(['']),
    snapshots: [],
    extra: {},
  };
  const comment = str(ctx.params.comment);
  if (comment) ds.comment = comment;
  return ctx.core.tasks.start({
    node: ctx.core.localNode,
    type: 'create-datastore',
    id: name,
    user: authId(ctx.subject),
    work: () => {
      ctx.core.datastores.set(name, ds);
    },
  }).upid;
}

export const pbsDatastoreHandlers: HandlerTable = {
  'GET /admin/datastore': list,
  'GET /admin/datastore/{store}/status': status,
  'GET /admin/datastore/{store}/namespace': namespaces,
  'POST /admin/datastore/{store}/namespace': createNamespace,
  'DELETE /admin/datastore/{store}/namespace': deleteNamespace,
  'GET /admin/datastore/{store}/groups': groups,
  'GET /admin/datastore/{store}/snapshots': snapshots,
  'DELETE /admin/datastore/{store}/snapshots': deleteSnapshot,
  'GET /admin/datastore/{store}/protected': (ctx) => findSnapshot(ctx).snap.protected,
  'PUT /admin/datastore/{store}/protected': (ctx) => {
    findSnapshot(ctx).snap.protected = yes(str(ctx.params.protected));
    return null;
  },
  'GET /admin/datastore/{store}/notes': (ctx) => findSnapshot(ctx).snap.notes ?? '',
  'PUT /admin/datastore/{store}/notes': (ctx) => {
    findSnapshot(ctx).snap.notes = str(ctx.params.notes) ?? '';
    return null;
  },
  'POST /admin/datastore/{store}/gc': (ctx) => gc(ctx, ctx.core),
  'GET /config/datastore': (ctx) =>
    [...ctx.core.datastores.values()].filter((ds) => canRead(ctx, ds.name)).map(configItem),
  'POST /config/datastore': createStore,
  'GET /config/datastore/{name}': (ctx) => configItem(store(ctx, 'name')),
  'PUT /config/datastore/{name}': (ctx) => {
    const ds = store(ctx, 'name');
    const comment = str(ctx.params.comment);
    if (comment !== undefined) ds.comment = comment;
    for (const [key, value] of Object.entries(ctx.params)) {
      if (!['name', 'comment', 'delete', 'digest'].includes(key)) ds.extra[key] = String(value);
    }
    return null;
  },
  'DELETE /config/datastore/{name}': (ctx) => {
    const ds = store(ctx, 'name');
    return ctx.core.tasks.start({
      node: ctx.core.localNode,
      type: 'delete-datastore',
      id: ds.name,
      user: authId(ctx.subject),
      work: () => {
        ctx.core.datastores.delete(ds.name);
      },
    }).upid;
  },
};
