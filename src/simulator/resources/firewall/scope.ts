/**
 * Which firewall file a request works on: the cluster's, a node's or a guest's, chosen
 * by the route's prefix. Shared by the rule, alias, IP set and option handlers.
 */

import { type HandlerContext, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import { MODIFIED } from '../../state/config-digest.js';
import type { FwConf } from '../../state/firewall-state.js';
import type { RuleEnv } from '../../state/firewall-verify.js';
import { parseVmid, requireNode } from '../guests/common.js';

export const FIREWALL_BASES: Record<'cluster' | 'host' | 'vm' | 'ct', string> = {
  cluster: '/cluster/firewall',
  host: '/nodes/{node}/firewall',
  vm: '/nodes/{node}/qemu/{vmid}/firewall',
  ct: '/nodes/{node}/lxc/{vmid}/firewall',
};

export interface FwScope {
  env: RuleEnv;
  cluster: FwConf;
  /** The file the route names. */
  conf: FwConf;
  /** The host's or guest's own file, where its aliases and IP sets are looked up first. */
  local: FwConf | undefined;
}

/**
 * Guest firewall files are keyed by VMID alone and PVE reads them without checking that
 * the guest exists (`load_vmfw_conf`); only methods proxied to the node (`proxyto`) need
 * the node to exist.
 */
export function scopeOf(
  ctx: HandlerContext,
  env: 'cluster' | 'host' | 'vm' | 'ct',
  proxied = false,
): FwScope {
  const state = ctx.core.firewall;
  const cluster = state.cluster;
  if (env === 'cluster') return { env, cluster, conf: cluster, local: undefined };
  if (env === 'host' || proxied) requireNode(ctx.core, str(ctx.params.node));
  if (env === 'host') {
    const conf = state.host(str(ctx.params.node) ?? '');
    return { env, cluster, conf, local: conf };
  }
  const vmid = parseVmid(str(ctx.params.vmid));
  const conf = state.guest(vmid, ctx.core.cluster.guests.get(vmid));
  return { env, cluster, conf, local: conf };
}

/** `PVE::Tools::assert_if_modified`: a stale digest is refused, a missing one is fine. */
export function checkDigest(ctx: HandlerContext, current: string): void {
  const given = str(ctx.params.digest);
  if (given && given !== current) throw new SimError(500, MODIFIED);
}

/** PVE's `split_list` for `delete`. */
export function deleteList(ctx: HandlerContext): string[] {
  return (str(ctx.params.delete) ?? '').split(/[,;\s]+/).filter((k) => k !== '');
}
