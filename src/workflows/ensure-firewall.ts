/**
 * A firewall rule that exists after the call. PVE rules have no name or id beyond their
 * position, which shifts as rules are added (pve-firewall PVE/API2/Firewall/Rules.pm puts a
 * new rule on top), so a rule is "the same" when every field given matches.
 */
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import type { EnsureResult } from './ensure-guest.js';
import type { Guest } from './guest.js';

/** Where the rule lives: the cluster, a node, a guest, or a security group. */
export type FirewallScope = 'cluster' | { node: string } | Guest | { group: string };

export interface FirewallRule {
  type: 'in' | 'out' | 'group' | 'forward';
  /** `ACCEPT`, `DROP`, `REJECT`, or a security group's name for `type: 'group'`. */
  action: string;
  proto?: string;
  dport?: string;
  sport?: string;
  source?: string;
  dest?: string;
  iface?: string;
  macro?: string;
  comment?: string;
  enable?: boolean;
}

export async function ensureFirewallRule(
  c: WorkflowClient,
  scope: FirewallScope,
  rule: FirewallRule,
  options: WorkflowOptions = {},
): Promise<EnsureResult<{ pos: number }>> {
  const { route, params } = rulesRoute(scope);
  const wanted: Params = {};
  for (const [key, value] of Object.entries(rule)) {
    if (value !== undefined) wanted[key] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  const rules = await c.call<Array<Record<string, unknown>>>(`GET ${route}`, params, options);
  const same = rules.find((r) =>
    Object.entries(wanted).every(([k, v]) => String(r[k] ?? (k === 'enable' ? 0 : '')) === String(v)),
  );
  if (same) return { value: { pos: Number(same.pos) }, action: 'unchanged', changed: [] };
  await c.call(`POST ${route}`, { ...params, ...wanted }, options);
  return { value: { pos: 0 }, action: 'created', changed: Object.keys(wanted) };
}

function rulesRoute(scope: FirewallScope): { route: string; params: Params } {
  if (scope === 'cluster') return { route: '/cluster/firewall/rules', params: {} };
  if ('group' in scope) return { route: '/cluster/firewall/groups/{group}', params: { group: scope.group } };
  // The guest type goes into the route itself: a rule's own `type` (in/out/group) is a
  // parameter of the same name and would fill the `{type}` placeholder.
  if ('vmid' in scope)
    return { route: `/nodes/{node}/${scope.type}/{vmid}/firewall/rules`, params: scope.ids };
  return { route: '/nodes/{node}/firewall/rules', params: { node: scope.node } };
}
