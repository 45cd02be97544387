/**
 * `/cluster/ha/resources` and `/cluster/ha/rules` of PVE 9 (pve-ha-manager's
 * `API2/HA/Resources.pm` and `Rules.pm`). HA groups exist in the schema but PVE 9 has
 * migrated them to rules and refuses them. The CRM's work happens at once here: a
 * resource requested `started` starts its guest, `stopped` and `disabled` stop it, and a
 * migration request runs as the migration task the CRM would start.
 */

import type { EngineCore } from '../../engine/engine-core.js';
import { authId, type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { locked } from '../../state/cfs-lock.js';
import type { HaConfig } from '../../state/ha-state.js';
import { guestProcessEnded } from '../console/sessions.js';
import { applyPending } from '../guests/pending.js';
import { haStatusHandlers } from './status.js';

const RESOURCE_OPTIONS = [
  'state',
  'group',
  'comment',
  'max_restart',
  'max_relocate',
  'failback',
  'auto-rebalance',
];
const RULE_OPTIONS: Record<string, string[]> = {
  'node-affinity': ['resources', 'nodes', 'strict', 'comment', 'disable'],
  'resource-affinity': ['resources', 'affinity', 'comment', 'disable'],
};
const MIGRATED = 'ha groups have been migrated to rules';

interface Sid {
  sid: string;
  type: string;
  name: string;
}

/** `PVE::HA::Tools::parse_sid`: `vm:100`, `ct:101`, or a bare VMID looked up in the cluster. */
function parseSid(core: EngineCore, text: string): Sid {
  if (/^\d+$/.test(text)) {
    const guest = core.cluster.guests.get(Number(text));
    if (!guest) throw new SimError(500, `unable to detect SID from VMID - VM/CT ${text} does not exist`);
    const type = guest.type === 'lxc' ? 'ct' : 'vm';
    return { sid: `${type}:${text}`, type, name: text };
  }
  const match = /^([a-z]+):(\S+)$/.exec(text);
  if (!match) throw paramError({ sid: 'value does not look like a valid ha resource id' });
  return { sid: text, type: match[1] ?? '', name: match[2] ?? '' };
}

/** What the CRM and LRM do for a request state, done at once. */
function enact(core: EngineCore, sid: string, config: HaConfig): void {
  core.ha.masterSince ??= core.clock.now();
  const guest = core.cluster.guests.get(Number(sid.split(':')[1]));
  if (!guest || guest.lock || guest.template) return;
  const state = config.state ?? 'started';
  if (state === 'started' && guest.status === 'stopped') {
    applyPending(core, guest);
    guest.status = 'running';
    guest.startedAt = core.clock.now();
  } else if ((state === 'stopped' || state === 'disabled') && guest.status !== 'stopped') {
    guestProcessEnded(core, guest.vmid);
    guest.status = 'stopped';
    delete guest.startedAt;
  }
}

function resourceOptions(ctx: HandlerContext, into: HaConfig): HaConfig {
  if (str(ctx.params.group) !== undefined) throw new SimError(500, `invalid parameter 'group': ${MIGRATED}`);
  for (const key of RESOURCE_OPTIONS) {
    const value = str(ctx.params[key]);
    if (value !== undefined) into[key] = key === 'state' && value === 'enabled' ? 'started' : value;
  }
  return into;
}

function answer(core: EngineCore, sid: string): Record<string, string> {
  const config = core.ha.resources.get(sid);
  if (!config) throw new SimError(500, `no such resource '${sid}'`);
  return { ...config, sid, digest: core.ha.resourcesDigest };
}

const resources: HandlerTable = {
  'GET /cluster/ha/resources': (ctx) => {
    const only = str(ctx.params.type);
    return [...ctx.core.ha.resources]
      .filter(([, c]) => !only || c.type === only)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sid]) => answer(ctx.core, sid));
  },
  'GET /cluster/ha/resources/{sid}': (ctx) =>
    answer(ctx.core, parseSid(ctx.core, str(ctx.params.sid) ?? '').sid),
  'POST /cluster/ha/resources': (ctx) => {
    const { core } = ctx;
    const { sid, type, name } = parseSid(core, str(ctx.params.sid) ?? '');
    const given = str(ctx.params.type);
    if (given && given !== type) throw new SimError(500, 'types does not match');
    if (type !== 'vm' && type !== 'ct') throw new SimError(500, `unknown section type '${type}'`);
    if (!/^[1-9][0-9]+$/.test(name)) throw new SimError(500, 'invalid VMID');
    // PVE's own spelling ("does not exists").
    if (!core.cluster.guests.has(Number(name)))
      throw new SimError(500, `resource '${sid}' does not exists in cluster`);
    const config = resourceOptions(ctx, { type });
    locked('create resource failed', () => {
      if (core.ha.resources.has(sid)) throw new SimError(500, `resource ID '${sid}' already defined`);
      core.ha.resources.set(sid, config);
    });
    enact(core, sid, config);
    return null;
  },
  'PUT /cluster/ha/resources/{sid}': (ctx) => {
    const { core } = ctx;
    const { sid, type } = parseSid(core, str(ctx.params.sid) ?? '');
    const given = str(ctx.params.type);
    if (given && given !== type) throw new SimError(500, 'types does not match');
    const changes = resourceOptions(ctx, {});
    const config = locked('update resource failed', () => {
      const digest = str(ctx.params.digest);
      if (digest && digest !== core.ha.resourcesDigest)
        throw new SimError(500, 'detected modified configuration - file changed by other user? Try again.');
      const current = core.ha.resources.get(sid);
      if (!current) throw new SimError(500, `no such resource '${sid}'`);
      const next = { ...current, ...changes };
      for (const key of (str(ctx.params.delete) ?? '').split(/[,;\s]+/).filter((k) => k !== '')) {
        if (!RESOURCE_OPTIONS.includes(key)) throw new SimError(500, `no such option '${key}'`);
        delete next[key];
      }
      core.ha.resources.set(sid, next);
      return next;
    });
    enact(core, sid, config);
    return null;
  },
  'DELETE /cluster/ha/resources/{sid}': (ctx) => {
    const { core } = ctx;
    const { sid } = parseSid(core, str(ctx.params.sid) ?? '');
    if (!core.ha.resources.has(sid)) throw new SimError(500, `resource '${sid}' is not HA managed`);
    core.ha.resources.delete(sid);
    if (!/^(0|false|no|off)$/i.test(str(ctx.params.purge) ?? '1')) core.ha.purgeFromRules(sid);
    return null;
  },
};

/** `migrate` and `relocate` queue a CRM command; the CRM then runs the guest's migration task. */
function motion(kind: 'migrate' | 'relocate') {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const { sid } = parseSid(core, str(ctx.params.sid) ?? '');
    if (!core.ha.resources.has(sid)) throw new SimError(500, `resource '${sid}' is not HA managed`);
    const target = str(ctx.params.node) ?? '';
    const guest = core.cluster.guests.get(Number(sid.split(':')[1]));
    if (guest && guest.node !== target && core.cluster.nodes.has(target)) {
      core.tasks.start({
        node: guest.node,
        type: guest.type === 'qemu' ? 'qmigrate' : 'vzmigrate',
        id: String(guest.vmid),
        user: authId(ctx.subject),
        log: [`${kind} of ${sid} to node '${target}' requested by the HA manager`],
        work: () => {
          guest.node = target;
          return undefined;
        },
      });
    }
    return { sid, 'requested-node': target };
  };
}

function ruleResources(core: EngineCore, list: string): void {
  const sids = list.split(',').filter((s) => s !== '');
  for (const sid of sids)
    if (!/^[a-z]+:\S+$/.test(sid)) throw paramError({ resources: `invalid resource ID '${sid}'` });
  const unmanaged = sids.filter((sid) => !core.ha.resources.has(sid)).sort();
  if (unmanaged.length > 0)
    throw new SimError(500, `cannot use unmanaged resource(s) ${unmanaged.join(', ')}.`);
}

function ruleNodes(core: EngineCore, list: string): void {
  const missing = list
    .split(',')
    .map((entry) => entry.split(':')[0] ?? '')
    .filter((node) => node !== '' && !core.cluster.nodes.has(node))
    .sort();
  // PVE's own spelling ("non-existant").
  if (missing.length > 0) throw new SimError(500, `cannot use non-existant node(s) ${missing.join(', ')}.`);
}

function ruleOptions(ctx: HandlerContext, type: string): HaConfig {
  const out: HaConfig = {};
  for (const key of RULE_OPTIONS[type] ?? []) {
    const value = str(ctx.params[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function ruleAnswer(core: EngineCore, id: string): Record<string, unknown> {
  const rule = core.ha.rules.get(id);
  if (!rule) throw new SimError(500, `no such ha rule '${id}'`);
  const out: Record<string, unknown> = {
    ...rule,
    rule: id,
    digest: core.ha.rulesDigest,
    order: core.ha.order.get(id),
  };
  // `set_rule_defaults`; the flags are 0/1 on the wire.
  if (rule.type === 'node-affinity') out.strict = Number(rule.strict ?? 0);
  if (rule.disable !== undefined) out.disable = Number(/^(1|true|yes|on)$/i.test(rule.disable));
  return out;
}

const rules: HandlerTable = {
  'GET /cluster/ha/rules': (ctx) => {
    const { ha } = ctx.core;
    const type = str(ctx.params.type);
    const resource = str(ctx.params.resource);
    return [...ha.rules.keys()]
      .sort((a, b) => (ha.order.get(a) ?? 0) - (ha.order.get(b) ?? 0))
      .filter((id) => {
        const rule = ha.rules.get(id) ?? {};
        return (
          (!type || rule.type === type) && (!resource || (rule.resources ?? '').split(',').includes(resource))
        );
      })
      .map((id) => ruleAnswer(ctx.core, id));
  },
  'GET /cluster/ha/rules/{rule}': (ctx) => ruleAnswer(ctx.core, str(ctx.params.rule) ?? ''),
  'POST /cluster/ha/rules': (ctx) => {
    const { core } = ctx;
    const id = str(ctx.params.rule) ?? '';
    const type = str(ctx.params.type) ?? '';
    const options = ruleOptions(ctx, type);
    const required = type === 'node-affinity' ? 'nodes' : 'affinity';
    if (options[required] === undefined) throw paramError({ [required]: 'property is missing' });
    locked('create ha rule failed', () => {
      if (core.ha.rules.has(id)) throw new SimError(500, `HA rule '${id}' already defined`);
      ruleResources(core, options.resources ?? '');
      if (options.nodes) ruleNodes(core, options.nodes);
      core.ha.addRule(id, { type, ...options });
    });
    return null;
  },
  'PUT /cluster/ha/rules/{rule}': (ctx) => {
    const { core } = ctx;
    const id = str(ctx.params.rule) ?? '';
    locked('update HA rules failed', () => {
      const digest = str(ctx.params.digest);
      if (digest && digest !== core.ha.rulesDigest)
        throw new SimError(500, 'detected modified configuration - file changed by other user? Try again.');
      const rule = core.ha.rules.get(id);
      if (!rule) throw new SimError(500, `HA rule '${id}' does not exist`);
      const changes = ruleOptions(ctx, rule.type ?? '');
      if (changes.resources) ruleResources(core, changes.resources);
      if (changes.nodes) ruleNodes(core, changes.nodes);
      const next = { ...rule, ...changes };
      for (const key of (str(ctx.params.delete) ?? '').split(/[,;\s]+/).filter((k) => k !== '')) {
        if (!RULE_OPTIONS[rule.type ?? '']?.includes(key)) throw new SimError(500, `no such option '${key}'`);
        if (key === 'resources' || (key === 'nodes' && rule.type === 'node-affinity'))
          throw new SimError(500, `unable to delete required option '${key}'`);
        delete next[key];
      }
      core.ha.rules.set(id, next);
    });
    return null;
  },
  'DELETE /cluster/ha/rules/{rule}': (ctx) => {
    ctx.core.ha.deleteRule(str(ctx.params.rule) ?? '');
    return null;
  },
};

/** PVE 9 keeps the group endpoints only to refuse them once groups are migrated (a fresh cluster is). */
const refuse = (action: string) => (): never => {
  throw new SimError(500, `cannot ${action}: ${MIGRATED}`);
};

const groups: HandlerTable = {
  'GET /cluster/ha/groups': refuse('index groups'),
  'POST /cluster/ha/groups': refuse('create group'),
  'GET /cluster/ha/groups/{group}': refuse('read group'),
  'PUT /cluster/ha/groups/{group}': refuse('update group'),
  'DELETE /cluster/ha/groups/{group}': refuse('delete group'),
};

export const haHandlers: HandlerTable = {
  ...resources,
  ...rules,
  ...groups,
  ...haStatusHandlers,
  'POST /cluster/ha/resources/{sid}/migrate': motion('migrate'),
  'POST /cluster/ha/resources/{sid}/relocate': motion('relocate'),
};
