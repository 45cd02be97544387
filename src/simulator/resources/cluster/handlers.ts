/** `/cluster/resources`, `/cluster/status`, `/cluster/nextid`, `/cluster/tasks`, node status. */

import type { EngineCore } from '../../engine/engine-core.js';
import { type HandlerContext, type HandlerTable, Reply, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest } from '../../state/cluster-state.js';
import { diskBytes, memoryBytes, requireNode, uptimeSeconds, usage } from '../guests/common.js';
import { storageResources } from '../storage/handlers.js';
import { visibilityFor } from './visibility.js';

function guestResource(core: EngineCore, g: Guest): Record<string, unknown> {
  const uptime = uptimeSeconds(core, g);
  const use = usage(g, uptime);
  const item: Record<string, unknown> = {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node: g.node,
    name: core.cluster.guestName(g),
    status: g.status === 'stopped' ? 'stopped' : 'running',
    template: g.template ? 1 : 0,
    maxcpu: Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1),
    cpu: use.cpu,
    maxmem: memoryBytes(g),
    mem: use.mem,
    maxdisk: diskBytes(g),
    disk: 0,
    uptime,
    netin: use.netin,
    netout: use.netout,
    diskread: 0,
    diskwrite: 0,
  };
  if (g.pool) item.pool = g.pool;
  if (g.lock) item.lock = g.lock;
  if (g.config.tags) item.tags = g.config.tags;
  return item;
}

export function nodeResource(core: EngineCore, name: string, index: number): Record<string, unknown> {
  const n = core.cluster.nodes.get(name)!;
  return {
    id: `node/${n.node}`,
    type: 'node',
    node: n.node,
    status: n.online ? 'online' : 'offline',
    level: '',
    maxcpu: n.maxcpu,
    cpu: 0.03 + index * 0.01,
    maxmem: n.maxmem,
    mem: Math.floor(n.maxmem * 0.35),
    maxdisk: n.maxdisk,
    disk: Math.floor(n.maxdisk * 0.2),
    uptime: Math.floor((core.clock.now() - n.bootedAt) / 1000),
    'cgroup-mode': 2,
  };
}

function resources(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const type = str(ctx.params.type);
  const out: Record<string, unknown>[] = [];
  if (type === undefined || type === 'node') {
    const seeNode = visibilityFor(ctx, '/nodes', ['Sys.Audit']);
    [...core.cluster.nodes.keys()].forEach((name, i) => {
      if (seeNode(name)) out.push(nodeResource(core, name, i));
    });
  }
  if (type === undefined || type === 'vm') {
    const seeGuest = visibilityFor(ctx, '/vms', ['VM.Audit']);
    for (const g of core.cluster.guests.values())
      if (seeGuest(String(g.vmid))) out.push(guestResource(core, g));
  }
  if (type === undefined || type === 'storage') {
    const seeStorage = visibilityFor(ctx, '/storage', ['Datastore.Audit', 'Datastore.AllocateSpace']);
    for (const item of storageResources(core)) if (seeStorage(String(item.storage))) out.push(item);
  }
  if (type === undefined) {
    const seePool = visibilityFor(ctx, '/pool', ['Pool.Audit']);
    for (const pool of core.cluster.pools.keys())
      if (seePool(pool)) out.push({ id: `/pool/${pool}`, type: 'pool', pool });
  }
  if (type === undefined || type === 'sdn') {
    // Every node has its local network, and each applied SDN zone (pending ones are not listed).
    const zones = ['localnetwork', ...core.sdn.running.zones.keys()];
    for (const node of core.cluster.nodes.keys()) {
      for (const sdn of zones) out.push({ id: `sdn/${node}/${sdn}`, type: 'sdn', sdn, node, status: 'ok' });
    }
  }
  return out;
}

function status(ctx: HandlerContext): unknown {
  const { cluster } = ctx.core;
  const nodes = [...cluster.nodes.values()].map((n, i) => ({
    id: `node/${n.node}`,
    type: 'node',
    name: n.node,
    nodeid: i + 1,
    ip: `192.0.2.${11 + i}`,
    online: n.online ? 1 : 0,
    local: n.node === ctx.core.localNode ? 1 : 0,
    level: '',
  }));
  if (!cluster.clusterName) return nodes;
  return [
    {
      id: 'cluster',
      type: 'cluster',
      name: cluster.clusterName,
      nodes: nodes.length,
      quorate: 1,
      version: nodes.length,
    },
    ...nodes,
  ];
}

function nextid(ctx: HandlerContext): unknown {
  const wanted = str(ctx.params.vmid);
  if (wanted !== undefined) {
    if (ctx.core.cluster.guests.has(Number(wanted))) throw new SimError(400, `VM ${wanted} already exists`);
    return new Reply(wanted, {}, {}, true);
  }
  // PVE answers the id as a string although the schema says integer.
  return new Reply(String(ctx.core.cluster.nextFreeVmid(100)), {}, {}, true);
}

function clusterTasks(ctx: HandlerContext): unknown {
  const tasks = [...ctx.core.tasks.tasks.values()].slice(-200).reverse();
  return tasks.map((t) => {
    const item: Record<string, unknown> = {
      upid: t.upid,
      node: t.node,
      pid: t.pid,
      pstart: t.pstart,
      starttime: t.starttime,
      type: t.type,
      id: t.id,
      user: t.user,
    };
    if (t.endtime !== undefined) item.endtime = t.endtime;
    if (t.exitstatus !== undefined) item.status = t.exitstatus;
    return item;
  });
}

function nodeStatus(ctx: HandlerContext): unknown {
  const node = requireNode(ctx.core, str(ctx.params.node));
  const n = ctx.core.cluster.nodes.get(node)!;
  return {
    uptime: Math.floor((ctx.core.clock.now() - n.bootedAt) / 1000),
    cpu: 0.04,
    loadavg: ['0.12', '0.20', '0.18'],
    pveversion: 'pve-manager/9.0.3/025864202ebb6109',
    kversion: 'Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 x86_64',
    'current-kernel': {
      sysname: 'Linux',
      release: '6.14.8-2-pve',
      version: '#1 SMP PREEMPT_DYNAMIC',
      machine: 'x86_64',
    },
    'boot-info': { mode: 'efi', secureboot: 0 },
    cpuinfo: {
      model: 'Simulated CPU @ 3.00GHz',
      cpus: n.maxcpu,
      cores: n.maxcpu / 2,
      sockets: 1,
      mhz: '3000.000',
      hvm: '1',
      flags: 'sse sse2 avx avx2',
    },
    memory: {
      total: n.maxmem,
      used: Math.floor(n.maxmem * 0.35),
      free: Math.floor(n.maxmem * 0.65),
      available: Math.floor(n.maxmem * 0.6),
    },
    swap: { total: 8 * 1024 ** 3, used: 0, free: 8 * 1024 ** 3 },
    rootfs: {
      total: n.maxdisk,
      used: Math.floor(n.maxdisk * 0.2),
      free: Math.floor(n.maxdisk * 0.8),
      avail: Math.floor(n.maxdisk * 0.75),
    },
    ksm: { shared: 0 },
  };
}

export const clusterHandlers: HandlerTable = {
  'GET /cluster/resources': resources,
  'GET /cluster/status': status,
  'GET /cluster/nextid': nextid,
  'GET /cluster/tasks': clusterTasks,
  'GET /nodes/{node}/status': nodeStatus,
  'GET /nodes/{node}/version': (ctx) => {
    requireNode(ctx.core, str(ctx.params.node));
    return { version: '9.0.3', release: '9.0', repoid: '025864202ebb6109' };
  },
};
