/**
 * Resource pools: `/pools` (with PVE 8's `poolid` query and PUT on the collection) and
 * `/pools/{poolid}` (deprecated there, still served). Members are guests and storages.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import { visibilityFor } from '../cluster/visibility.js';
import { guestItem } from '../guests/list.js';

function members(core: EngineCore, poolid: string, type: string | undefined): Record<string, unknown>[] {
  const pool = core.cluster.pools.get(poolid);
  const out: Record<string, unknown>[] = [];
  for (const member of pool?.members ?? []) {
    const [kind = '', id = ''] = member.split('/');
    if (type && kind !== type) continue;
    if (kind === 'storage') {
      for (const node of core.cluster.nodes.keys()) {
        out.push({ id: `storage/${node}/${id}`, type: 'storage', storage: id, node, status: 'available' });
      }
      continue;
    }
    const guest = core.cluster.guests.get(Number(id));
    if (guest) out.push({ ...guestItem(core, guest), id: member, type: kind, node: guest.node });
  }
  return out;
}

function findPool(core: EngineCore, poolid: string | undefined): string {
  if (!poolid || !core.cluster.pools.has(poolid))
    throw new SimError(500, `pool '${poolid ?? ''}' does not exist`);
  return poolid;
}

function list(ctx: HandlerContext): unknown {
  const only = str(ctx.params.poolid);
  const see = visibilityFor(ctx, '/pool', ['Pool.Audit']);
  const out: Record<string, unknown>[] = [];
  for (const [poolid, pool] of ctx.core.cluster.pools) {
    if ((only && poolid !== only) || !see(poolid)) continue;
    const item: Record<string, unknown> = { poolid };
    if (pool.comment) item.comment = pool.comment;
    if (only) item.members = members(ctx.core, poolid, str(ctx.params.type));
    out.push(item);
  }
  if (only && out.length === 0) throw new SimError(500, `pool '${only}' does not exist`);
  return out;
}

function read(ctx: HandlerContext): unknown {
  const poolid = findPool(ctx.core, str(ctx.params.poolid));
  const pool = ctx.core.cluster.pools.get(poolid)!;
  const out: Record<string, unknown> = { members: members(ctx.core, poolid, str(ctx.params.type)) };
  if (pool.comment) out.comment = pool.comment;
  return out;
}

function create(ctx: HandlerContext): unknown {
  const poolid = str(ctx.params.poolid) ?? '';
  if (ctx.core.cluster.pools.has(poolid)) throw new SimError(500, `pool '${poolid}' already exists`);
  const comment = str(ctx.params.comment);
  ctx.core.cluster.pools.set(poolid, comment ? { comment, members: new Set() } : { members: new Set() });
  return null;
}

function update(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const poolid = findPool(core, str(ctx.params.poolid));
  const pool = core.cluster.pools.get(poolid)!;
  const comment = str(ctx.params.comment);
  if (comment !== undefined) pool.comment = comment;
  const remove = str(ctx.params.delete) === '1';
  const move = str(ctx.params['allow-move']) === '1';
  for (const vmid of (str(ctx.params.vms) ?? '').split(/[,;\s]+/).filter((v) => v !== '')) {
    const guest = core.cluster.guests.get(Number(vmid));
    if (!guest) throw new SimError(500, `no such VMID '${vmid}'`);
    const key = `${guest.type}/${guest.vmid}`;
    if (remove) {
      pool.members.delete(key);
      delete guest.pool;
      continue;
    }
    if (guest.pool && guest.pool !== poolid && !move)
      throw new SimError(500, `VM ${vmid} belongs already to pool '${guest.pool}'`);
    if (guest.pool) core.cluster.pools.get(guest.pool)?.members.delete(key);
    guest.pool = poolid;
    pool.members.add(key);
  }
  for (const storage of (str(ctx.params.storage) ?? '').split(/[,;\s]+/).filter((v) => v !== '')) {
    if (!core.storage.storages.has(storage)) throw new SimError(500, `no such storage '${storage}'`);
    if (remove) pool.members.delete(`storage/${storage}`);
    else pool.members.add(`storage/${storage}`);
  }
  return null;
}

function destroy(ctx: HandlerContext): unknown {
  const poolid = findPool(ctx.core, str(ctx.params.poolid));
  if (ctx.core.cluster.pools.get(poolid)!.members.size > 0)
    throw new SimError(500, 'delete pool failed: pool is not empty.');
  ctx.core.cluster.pools.delete(poolid);
  return null;
}

export const poolHandlers: HandlerTable = {
  'GET /pools': list,
  'POST /pools': create,
  'PUT /pools': update,
  'DELETE /pools': destroy,
  'GET /pools/{poolid}': read,
  'PUT /pools/{poolid}': update,
  'DELETE /pools/{poolid}': destroy,
};
