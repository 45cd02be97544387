/** Guest lists and creation, for both `/nodes/{node}/qemu` and `/nodes/{node}/lxc`. */

import { hasPrivileges } from '../../access/acl.js';
import type { EngineCore } from '../../engine/engine-core.js';
import { authId, type HandlerContext, requirePrivs, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest, GuestType } from '../../state/cluster-state.js';
import {
  assertVmidFree,
  diskBytes,
  memoryBytes,
  parseVmid,
  requireNode,
  uptimeSeconds,
  usage,
} from './common.js';
import { createConfig } from './create-config.js';
import { checkSshKeys } from './ssh-keys.js';

export const WORKER_PREFIX: Record<GuestType, string> = { qemu: 'qm', lxc: 'vz' };

export function canSee(ctx: HandlerContext, guest: Guest): boolean {
  if (!ctx.subject) return true;
  return hasPrivileges(ctx.core.access, ctx.subject, `/vms/${guest.vmid}`, ['VM.Audit']);
}

/** One guest as the node lists and `status/current` show it. */
export function guestItem(core: EngineCore, g: Guest): Record<string, unknown> {
  const uptime = uptimeSeconds(core, g);
  const use = usage(g, uptime);
  const item: Record<string, unknown> = {
    vmid: g.vmid,
    name: core.cluster.guestName(g),
    // A paused VM is `running` with qmpstatus `paused`, as PVE lists it.
    status: g.status === 'stopped' ? 'stopped' : 'running',
    cpus: Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1),
    maxmem: memoryBytes(g),
    mem: use.mem,
    maxdisk: diskBytes(g),
    disk: g.type === 'lxc' && uptime > 0 ? Math.floor(diskBytes(g) / 4) : 0,
    cpu: use.cpu,
    uptime,
    netin: use.netin,
    netout: use.netout,
    diskread: 0,
    diskwrite: 0,
  };
  if (g.type === 'lxc') {
    item.type = 'lxc';
    item.maxswap = Number(g.config.swap ?? 512) * 1024 ** 2;
  } else if (g.status !== 'stopped') {
    item.pid = 10_000 + g.vmid;
  }
  if (g.template) item.template = 1;
  if (g.lock) item.lock = g.lock;
  if (g.config.tags) item.tags = g.config.tags;
  return item;
}

export function listGuests(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const node = requireNode(ctx.core, str(ctx.params.node));
    const out: unknown[] = [];
    for (const g of ctx.core.cluster.guests.values()) {
      if (g.type === type && g.node === node && canSee(ctx, g)) out.push(guestItem(ctx.core, g));
    }
    return out;
  };
}

export function createGuest(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const node = requireNode(core, str(ctx.params.node));
    const vmid = parseVmid(str(ctx.params.vmid));
    const pool = str(ctx.params.pool);
    if (pool) requirePrivs(ctx, `/pool/${pool}`, ['VM.Allocate']);
    else requirePrivs(ctx, `/vms/${vmid}`, ['VM.Allocate']);
    if (pool && !core.cluster.pools.has(pool)) throw new SimError(500, `pool '${pool}' does not exist`);
    if (type === 'lxc' && !str(ctx.params.ostemplate)) {
      throw new SimError(400, 'Parameter verification failed.', {
        ostemplate: 'property is missing and it is not optional',
      });
    }
    assertVmidFree(core.cluster, vmid);
    if (type === 'qemu') checkSshKeys(ctx);
    const config = createConfig(ctx, { type, vmid, node }, pool);
    const guest: Guest = {
      vmid,
      type,
      node,
      status: 'stopped',
      template: false,
      lock: 'create',
      config,
      pending: {},
      pendingDelete: new Set(),
      snapshots: new Map(),
    };
    core.cluster.guests.set(vmid, guest);
    if (pool) {
      guest.pool = pool;
      core.cluster.pools.get(pool)?.members.add(`${type}/${vmid}`);
    }
    const start = /^(1|true)$/.test(str(ctx.params.start) ?? '');
    const task = core.tasks.start({
      node,
      type: `${WORKER_PREFIX[type]}create`,
      id: String(vmid),
      user: authId(ctx.subject),
      work: () => {
        delete guest.lock;
        if (start) {
          guest.status = 'running';
          guest.startedAt = core.clock.now();
        }
        return type === 'lxc'
          ? [`extracting archive '${str(ctx.params.ostemplate)}'`, 'Total bytes read: 0']
          : undefined;
      },
    });
    return task.upid;
  };
}
