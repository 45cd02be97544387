/** `/nodes/{node}/qemu`: list, create, config, status actions and destroy of VMs. */

import { hasPrivileges } from '../acl.js';
import type { Guest } from '../cluster-state.js';
import { authId, type HandlerContext, type HandlerTable, str } from '../handler.js';
import { SimError } from '../sim-error.js';
import {
  assertUnlocked,
  assertVmidFree,
  CREATE_ONLY_PARAMS,
  diskBytes,
  findGuest,
  memoryBytes,
  parseVmid,
  requireNode,
  uptimeSeconds,
  usage,
} from './guest-common.js';

export function canSee(ctx: HandlerContext, guest: Guest): boolean {
  if (!ctx.subject) return true;
  return hasPrivileges(ctx.core.access, ctx.subject, `/vms/${guest.vmid}`, ['VM.Audit']);
}

export function qemuListItem(ctx: HandlerContext, g: Guest): Record<string, unknown> {
  const uptime = uptimeSeconds(ctx.core, g);
  const use = usage(g, uptime);
  const item: Record<string, unknown> = {
    vmid: g.vmid,
    name: ctx.core.cluster.guestName(g),
    status: g.status,
    cpus: Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1),
    maxmem: memoryBytes(g),
    mem: use.mem,
    maxdisk: diskBytes(g),
    disk: 0,
    cpu: use.cpu,
    uptime,
    netin: use.netin,
    netout: use.netout,
    diskread: 0,
    diskwrite: 0,
  };
  if (g.status !== 'stopped') item.pid = 10_000 + g.vmid;
  if (g.template) item.template = 1;
  if (g.lock) item.lock = g.lock;
  if (g.config.tags) item.tags = g.config.tags;
  return item;
}

function list(ctx: HandlerContext): unknown {
  const node = requireNode(ctx.core, str(ctx.params.node));
  const out: unknown[] = [];
  for (const g of ctx.core.cluster.guests.values()) {
    if (g.type === 'qemu' && g.node === node && canSee(ctx, g)) out.push(qemuListItem(ctx, g));
  }
  return out;
}

function create(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const node = requireNode(core, str(ctx.params.node));
  const vmid = parseVmid(str(ctx.params.vmid));
  assertVmidFree(core.cluster, vmid);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.params)) {
    if (!CREATE_ONLY_PARAMS.has(key)) config[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const guest: Guest = {
    vmid,
    type: 'qemu',
    node,
    status: 'stopped',
    template: false,
    lock: 'create',
    config,
    pending: {},
    pendingDelete: new Set(),
    snapshots: new Map(),
  };
  const pool = str(ctx.params.pool);
  if (pool) guest.pool = pool;
  core.cluster.guests.set(vmid, guest);
  const start = /^(1|true)$/.test(str(ctx.params.start) ?? '');
  const task = core.tasks.start({
    node,
    type: 'qmcreate',
    id: String(vmid),
    user: authId(ctx.subject),
    work: () => {
      delete guest.lock;
      if (start) {
        guest.status = 'running';
        guest.startedAt = core.clock.now();
      }
      return [`VM ${vmid} created`];
    },
  });
  return task.upid;
}

function config(ctx: HandlerContext): unknown {
  const guest = findGuest(ctx, 'qemu');
  const out: Record<string, unknown> = { ...guest.config, digest: digestOf(guest.config) };
  if (guest.lock) out.lock = guest.lock;
  return out;
}

export function digestOf(config: Record<string, string>): string {
  let h = 0x811c9dc5;
  const text = JSON.stringify(Object.entries(config).sort());
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(5);
}

function current(ctx: HandlerContext): unknown {
  const guest = findGuest(ctx, 'qemu');
  const item = qemuListItem(ctx, guest);
  return { ...item, qmpstatus: guest.status, ha: { managed: 0 }, agent: Number(guest.config.agent === '1') };
}

function action(kind: 'start' | 'stop' | 'shutdown' | 'reboot' | 'suspend' | 'resume') {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const guest = findGuest(ctx, 'qemu');
    if (kind !== 'stop') assertUnlocked(guest);
    if (kind === 'start' && guest.status !== 'stopped')
      throw new SimError(500, `VM ${guest.vmid} already running`);
    if (kind !== 'start' && guest.status === 'stopped')
      throw new SimError(500, `VM ${guest.vmid} not running`);
    if (kind === 'resume' && guest.status !== 'paused')
      throw new SimError(500, `VM ${guest.vmid} not paused`);
    const task = core.tasks.start({
      node: guest.node,
      type: `qm${kind}`,
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        if (kind === 'start' || kind === 'resume') guest.status = 'running';
        if (kind === 'stop' || kind === 'shutdown') {
          guest.status = 'stopped';
          delete guest.startedAt;
        }
        if (kind === 'suspend') guest.status = 'paused';
        if (kind === 'start' || kind === 'reboot') guest.startedAt = core.clock.now();
      },
    });
    return task.upid;
  };
}

function destroy(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const guest = findGuest(ctx, 'qemu');
  assertUnlocked(guest);
  if (guest.status !== 'stopped') throw new SimError(500, `VM ${guest.vmid} is running - destroy failed`);
  guest.lock = 'destroyed';
  const task = core.tasks.start({
    node: guest.node,
    type: 'qmdestroy',
    id: String(guest.vmid),
    user: authId(ctx.subject),
    work: () => {
      core.cluster.guests.delete(guest.vmid);
    },
  });
  return task.upid;
}

export const qemuHandlers: HandlerTable = {
  'GET /nodes/{node}/qemu': list,
  'POST /nodes/{node}/qemu': create,
  'GET /nodes/{node}/qemu/{vmid}/config': config,
  'GET /nodes/{node}/qemu/{vmid}/status/current': current,
  'POST /nodes/{node}/qemu/{vmid}/status/start': action('start'),
  'POST /nodes/{node}/qemu/{vmid}/status/stop': action('stop'),
  'POST /nodes/{node}/qemu/{vmid}/status/shutdown': action('shutdown'),
  'POST /nodes/{node}/qemu/{vmid}/status/reboot': action('reboot'),
  'POST /nodes/{node}/qemu/{vmid}/status/suspend': action('suspend'),
  'POST /nodes/{node}/qemu/{vmid}/status/resume': action('resume'),
  'DELETE /nodes/{node}/qemu/{vmid}': destroy,
};
