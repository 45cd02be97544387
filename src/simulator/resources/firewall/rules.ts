/**
 * Firewall rules (cluster, node, guest) and security groups, following
 * pve-firewall's `API2/Firewall/Rules.pm` and `Groups.pm`: an ordered list per file, a
 * new rule always goes on top (the `pos` parameter of create is accepted and ignored, as
 * PVE does), `moveto` moves, `digest` guards changes, positions are list indices.
 */

import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { listDigest } from '../../state/config-digest.js';
import type { FwRule } from '../../state/firewall-state.js';
import { RULE_KEYS, type RuleEnv, verifyRule } from '../../state/firewall-verify.js';
import { checkDigest, deleteList, FIREWALL_BASES, scopeOf } from './scope.js';

type Env = 'cluster' | 'host' | 'vm' | 'ct' | 'group';

interface RuleHome {
  env: RuleEnv;
  rules: FwRule[];
  save(rules: FwRule[]): void;
  scopes: Parameters<typeof verifyRule>[2];
}

function homeOf(ctx: HandlerContext, env: Env): RuleHome {
  if (env === 'group') {
    const cluster = ctx.core.firewall.cluster;
    const name = str(ctx.params.group) ?? '';
    const group = cluster.groups.get(name);
    if (!group) throw new SimError(500, `no such security group '${name}'`);
    return {
      env,
      rules: group.rules,
      save: (rules) => {
        group.rules = rules;
      },
      scopes: { cluster, local: undefined },
    };
  }
  const scope = scopeOf(ctx, env);
  return {
    env,
    rules: scope.conf.rules,
    save: (rules) => {
      scope.conf.rules = rules;
    },
    scopes: { cluster: scope.cluster, local: scope.local },
  };
}

function answerRule(rule: FwRule, pos: number, digest: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rule, pos, digest };
  for (const key of ['enable', 'ipversion']) if (rule[key] !== undefined) out[key] = Number(rule[key]);
  return out;
}

/** `copy_rule_data`: given properties replace, `''` and `-` remove. */
function copyRuleData(rule: FwRule, ctx: HandlerContext): FwRule {
  for (const key of RULE_KEYS) {
    const value = str(ctx.params[key]);
    if (value === undefined) continue;
    if (value === '' || value === '-') delete rule[key];
    else rule[key] = value;
  }
  return rule;
}

function position(ctx: HandlerContext, rules: FwRule[]): number {
  const pos = Number(str(ctx.params.pos) ?? 0);
  if (pos >= rules.length) throw new SimError(500, `no rule at position ${pos}`);
  return pos;
}

function ruleHandlers(env: Env) {
  return {
    list: (ctx: HandlerContext): unknown => {
      const { rules } = homeOf(ctx, env);
      const digest = listDigest(rules);
      return rules.map((rule, pos) => answerRule(rule, pos, digest));
    },
    read: (ctx: HandlerContext): unknown => {
      const { rules } = homeOf(ctx, env);
      const pos = position(ctx, rules);
      return answerRule(rules[pos] as FwRule, pos, listDigest(rules));
    },
    create: (ctx: HandlerContext): unknown => {
      const home = homeOf(ctx, env);
      const rule = verifyRule(copyRuleData({}, ctx), env, home.scopes);
      if (str(ctx.params.enable) === undefined) rule.enable = '0';
      home.save([rule, ...home.rules]);
      return null;
    },
    update: (ctx: HandlerContext): unknown => {
      const home = homeOf(ctx, env);
      const { rules } = home;
      checkDigest(ctx, listDigest(rules));
      const pos = position(ctx, rules);
      const rule = rules[pos] as FwRule;
      const movetoText = str(ctx.params.moveto);
      const moveto = movetoText === undefined ? undefined : Number(movetoText);
      if (moveto !== undefined && moveto !== pos) {
        // PVE's loop: the rule lands before the one now at `moveto`, or last when past the end.
        const next: FwRule[] = [];
        rules.forEach((other, i) => {
          if (i === pos) return;
          if (i === moveto) next.push(rule);
          next.push(other);
        });
        if (moveto >= rules.length) next.push(rule);
        home.save(next);
        return null;
      }
      const changed = copyRuleData({ ...rule }, ctx);
      for (const key of deleteList(ctx)) {
        if (!(RULE_KEYS as readonly string[]).includes(key) && key !== 'pos' && key !== 'digest')
          throw paramError({ delete: `no such property ('${key}')` });
        if (key === 'type' || key === 'action')
          throw paramError({ delete: `unable to delete required property '${key}'` });
        delete changed[key];
      }
      home.save(rules.map((r, i) => (i === pos ? verifyRule(changed, env, home.scopes) : r)));
      return null;
    },
    remove: (ctx: HandlerContext): unknown => {
      const home = homeOf(ctx, env);
      checkDigest(ctx, listDigest(home.rules));
      const pos = position(ctx, home.rules);
      home.save(home.rules.filter((_, i) => i !== pos));
      return null;
    },
  };
}

function rulesTable(list: string, env: Env): HandlerTable {
  const h = ruleHandlers(env);
  const one = `${list}/{pos}`;
  return {
    [`GET ${list}`]: h.list,
    [`POST ${list}`]: h.create,
    [`GET ${one}`]: h.read,
    [`PUT ${one}`]: h.update,
    [`DELETE ${one}`]: h.remove,
  };
}

function groupList(ctx: HandlerContext): Record<string, unknown>[] {
  const items = [...ctx.core.firewall.cluster.groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, g]) => (g.comment ? { group, comment: g.comment } : { group }));
  const digest = listDigest(items);
  return items.map((item) => ({ ...item, digest }));
}

/** `POST /cluster/firewall/groups`: create, or with `rename` rename and re-comment. */
function createGroup(ctx: HandlerContext): unknown {
  const groups = ctx.core.firewall.cluster.groups;
  const name = str(ctx.params.group) ?? '';
  const comment = str(ctx.params.comment);
  const rename = str(ctx.params.rename);
  if (rename) {
    checkDigest(ctx, listDigest(groupList(ctx).map(({ digest: _, ...item }) => item)));
    const data = groups.get(rename);
    // PVE's own wording ("does not exists", "does already exist").
    if (!data) throw paramError({ group: `Security group '${rename}' does not exists` });
    if (groups.has(name) && name !== rename)
      throw paramError({ group: `Security group '${name}' does already exist` });
    groups.delete(rename);
    groups.set(name, comment === undefined ? data : { ...data, comment });
    return null;
  }
  if (groups.has(name)) throw paramError({ group: `Security group '${name}' already exists` });
  groups.set(name, comment ? { comment, rules: [] } : { rules: [] });
  return null;
}

function deleteGroup(ctx: HandlerContext): unknown {
  const groups = ctx.core.firewall.cluster.groups;
  const name = str(ctx.params.group) ?? '';
  const group = groups.get(name);
  if (!group) throw new SimError(500, `no such security group '${name}'`);
  if (group.rules.length > 0) throw new SimError(500, `Security group '${name}' is not empty`);
  groups.delete(name);
  return null;
}

const GROUPS = '/cluster/firewall/groups';

export const firewallRuleHandlers: HandlerTable = {
  ...rulesTable(`${FIREWALL_BASES.cluster}/rules`, 'cluster'),
  ...rulesTable(`${FIREWALL_BASES.host}/rules`, 'host'),
  ...rulesTable(`${FIREWALL_BASES.vm}/rules`, 'vm'),
  ...rulesTable(`${FIREWALL_BASES.ct}/rules`, 'ct'),
  ...rulesTable(`${GROUPS}/{group}`, 'group'),
  [`GET ${GROUPS}`]: groupList,
  [`POST ${GROUPS}`]: createGroup,
  [`DELETE ${GROUPS}/{group}`]: deleteGroup,
};
