/**
 * `/cluster/ha/status/current` and `/manager_status` as pve-ha-manager's
 * `API2/HA/Status.pm` builds them: quorum first, then the CRM master and one LRM per
 * node once a resource exists (a fresh cluster's CRM is idle and shows none), then one
 * entry per resource with its node, CRM state and requested state.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import type { HandlerTable } from '../../engine/handler.js';
import type { HaConfig } from '../../state/ha-state.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Perl's scalar `localtime`, e.g. `Thu Sep 10 10:00:00 2026` (the simulator's zone is UTC). */
function perlTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
}

interface Service {
  sid: string;
  config: HaConfig;
  node: string | undefined;
  /** The CRM's state; ignored resources are not tracked by the CRM. */
  crm: string | undefined;
  /** `get_verbose_service_state`. */
  state: string;
}

function services(core: EngineCore): Service[] {
  return [...core.ha.resources]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sid, config]) => {
      const request = config.state ?? 'started';
      const node = core.cluster.guests.get(Number(sid.split(':')[1]))?.node;
      const crm = request === 'ignored' ? undefined : request === 'started' ? 'started' : 'stopped';
      return { sid, config, node, crm, state: request };
    });
}

function current(core: EngineCore): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { id: 'quorum', type: 'quorum', node: core.localNode, status: 'OK', quorate: 1 },
  ];
  const list = services(core);
  const now = Math.floor(core.clock.now() / 1000);
  if (core.ha.masterSince !== undefined) {
    const master = core.localNode;
    out.push({
      id: 'master',
      type: 'master',
      node: master,
      status: `${master} (active, ${perlTime(now)})`,
      timestamp: now,
    });
    for (const node of [...core.cluster.nodes.keys()].sort()) {
      const busy = list.some((s) => s.node === node && s.crm === 'started');
      out.push({
        id: `lrm:${node}`,
        type: 'lrm',
        node,
        status: `${node} (${busy ? 'active' : 'idle'}, ${perlTime(now)})`,
        timestamp: now,
      });
    }
  }
  for (const s of list) {
    const item: Record<string, unknown> = {
      id: `service:${s.sid}`,
      type: 'service',
      sid: s.sid,
      node: s.node,
      state: s.state,
      status: `${s.sid} (${s.node}, ${s.state})`,
      request_state: s.config.state ?? 'started',
    };
    if (s.crm) item.crm_state = s.crm;
    for (const key of ['max_restart', 'max_relocate', 'comment', 'failback'])
      if (s.config[key] !== undefined) item[key] = s.config[key];
    out.push(item);
  }
  return out;
}

function managerStatus(core: EngineCore): Record<string, unknown> {
  const quorum = { node: core.localNode, quorate: 1 };
  if (core.ha.masterSince === undefined) return { manager_status: {}, quorum };
  const now = Math.floor(core.clock.now() / 1000);
  const list = services(core);
  const nodes = [...core.cluster.nodes.keys()].sort();
  const serviceStatus: Record<string, unknown> = {};
  for (const s of list)
    if (s.crm) serviceStatus[s.sid] = { node: s.node, state: s.crm, running: s.crm === 'started' ? 1 : 0 };
  const lrm: Record<string, unknown> = {};
  for (const node of nodes) {
    const busy = list.some((s) => s.node === node && s.crm === 'started');
    lrm[node] = {
      mode: 'active',
      state: busy ? 'active' : 'wait_for_agent_lock',
      timestamp: now,
      results: {},
    };
  }
  return {
    manager_status: {
      master_node: core.localNode,
      node_status: Object.fromEntries(
        nodes.map((n) => [n, core.cluster.nodes.get(n)?.online ? 'online' : 'unknown']),
      ),
      service_status: serviceStatus,
      timestamp: now,
    },
    quorum,
    lrm_status: lrm,
  };
}

export const haStatusHandlers: HandlerTable = {
  'GET /cluster/ha/status/current': (ctx) => current(ctx.core),
  'GET /cluster/ha/status/manager_status': (ctx) => managerStatus(ctx.core),
};
