/**
 * SDN vnets and their subnets (pve-network's `Vnets.pm`, `Subnets.pm`, the zone plugins'
 * `vnet_update_hook`). A vnet needs its zone, a subnet its vnet and a valid CIDR; a
 * subnet's id is `<zone>-<network>-<prefix length>`. Access to a vnet is checked on
 * `/sdn/zones/<zone>/<vnet>` in code, as PVE does.
 */
import { isIP } from 'node:net';
import { type HandlerContext, type HandlerTable, requirePrivs, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { typedRecord } from '../../engine/typed-values.js';
import { locked } from '../../state/cfs-lock.js';
import type { SdnObject } from '../../state/sdn-state.js';
import { visibilityFor } from '../cluster/visibility.js';
import { sdnDelete, sdnDigest, sdnOptions, sdnView } from './common.js';

const AUDIT = ['SDN.Audit', 'SDN.Allocate'];

/** `check_vnet_access`: the vnet must exist, the caller needs a privilege on it. */
function vnetAccess(ctx: HandlerContext, privs: string[]): SdnObject {
  const id = str(ctx.params.vnet) ?? '';
  const vnet = ctx.core.sdn.config.vnets.get(id);
  if (!vnet) throw new SimError(500, `sdn vnet '${id}' does not exist`);
  requirePrivs(ctx, `/sdn/zones/${vnet.zone}/${id}`, privs, true);
  return vnet;
}

/** The zone type's `vnet_update_hook`: which tags a vnet may or must have. */
function checkTag(ctx: HandlerContext, id: string, vnet: SdnObject): void {
  const { zones, vnets } = ctx.core.sdn.config;
  const zone = zones.get(vnet.zone ?? '');
  // PVE looks the zone's plugin up by type; for a zone that does not exist that fails so.
  if (!zone) throw new SimError(500, "unknown section type ''");
  const tag = vnet.tag === undefined ? undefined : Number(vnet.tag);
  const others = [...vnets].filter(([other]) => other !== id);
  switch (zone.type) {
    case 'simple':
      if (tag !== undefined) throw paramError({ tag: 'vlan tag is not allowed on simple zone' });
      return;
    case 'vlan':
    case 'qinq': {
      if (tag === undefined) throw paramError({ tag: 'missing vlan tag' });
      if (tag > 4096) throw paramError({ tag: 'vlan tag max value is 4096' });
      const same = others.find(
        ([, o]) => o.zone === vnet.zone && o.tag !== undefined && Number(o.tag) === tag,
      );
      if (same) throw paramError({ tag: `tag ${tag} already exist in vnet ${same[0]}` });
      return;
    }
    case 'vxlan':
    case 'evpn': {
      if (tag === undefined) throw paramError({ tag: 'missing vxlan tag' });
      if (tag > 16777216) throw paramError({ tag: 'vxlan tag max value is 16777216' });
      if (zone.type === 'evpn' && vnet.vlanaware === '1')
        throw paramError({ 'vlan-aware': "vlan-aware option can't be enabled with evpn" });
      const same = others.find(([, o]) => {
        const type = zones.get(o.zone ?? '')?.type;
        return (type === 'vxlan' || type === 'evpn') && o.tag !== undefined && Number(o.tag) === tag;
      });
      // PVE's text ends with a space.
      if (same)
        throw paramError({
          tag: `vxlan tag ${tag} already exist in vnet ${same[0]} in zone ${same[1].zone} `,
        });
      return;
    }
    default:
      return;
  }
}

const vnets: HandlerTable = {
  'GET /cluster/sdn/vnets': (ctx) => {
    const { items, digest } = sdnView(ctx, 'vnets');
    const see = visibilityFor(ctx, '/sdn/zones', AUDIT);
    return [...items]
      .map(([vnet, o]) => ({ ...o, vnet, ...(digest ? { digest } : {}) }) as Record<string, unknown>)
      .filter((o) => see(`${o.zone ?? (o.pending as SdnObject | undefined)?.zone}/${o.vnet}`));
  },
  'GET /cluster/sdn/vnets/{vnet}': (ctx) => {
    vnetAccess(ctx, AUDIT);
    const id = str(ctx.params.vnet) ?? '';
    const { items, digest } = sdnView(ctx, 'vnets');
    const vnet = items.get(id);
    if (!vnet) throw new SimError(500, `sdn vnet '${id}' does not exist`);
    const typed = typedRecord(vnet as SdnObject, ctx.info.api?.returns, true);
    return { ...typed, vnet: id, ...(digest ? { digest } : {}) };
  },
  'POST /cluster/sdn/vnets': (ctx) => {
    const id = str(ctx.params.vnet) ?? '';
    const options: SdnObject = { type: 'vnet', ...sdnOptions(ctx, ['vnet']) };
    locked('create sdn vnet object failed', () => {
      if (ctx.core.sdn.config.vnets.has(id))
        throw new SimError(500, `sdn vnet object ID '${id}' already defined`);
      checkTag(ctx, id, options);
      ctx.core.sdn.config.vnets.set(id, options);
    });
    return null;
  },
  'PUT /cluster/sdn/vnets/{vnet}': (ctx) => {
    const id = str(ctx.params.vnet) ?? '';
    const current = vnetAccess(ctx, ['SDN.Allocate']);
    locked('update sdn vnet object failed', () => {
      sdnDigest(ctx, 'vnets');
      const next = { ...current, ...sdnOptions(ctx, ['vnet']) };
      sdnDelete(ctx, next);
      if (!next.zone) throw paramError({ zone: 'cannot delete zone' });
      const hasSubnets = [...ctx.core.sdn.config.subnets.values()].some((s) => s.vnet === id);
      if (hasSubnets && next.zone !== current.zone)
        throw paramError({ zone: "can't change zone if subnets exist" });
      checkTag(ctx, id, next);
      ctx.core.sdn.config.vnets.set(id, next);
    });
    return null;
  },
  'DELETE /cluster/sdn/vnets/{vnet}': (ctx) => {
    const id = str(ctx.params.vnet) ?? '';
    vnetAccess(ctx, ['SDN.Allocate']);
    locked('delete sdn vnet object failed', () => {
      if ([...ctx.core.sdn.config.subnets.values()].some((s) => s.vnet === id))
        throw paramError({ vnet: "Can't delete vnet if subnets exists" });
      ctx.core.sdn.config.vnets.delete(id);
    });
    return null;
  },
};

/** `parse_subnet_id`: a CIDR or a subnet id; IPv4 and IPv6 prefixes from /8. */
function subnetCidr(text: string): string {
  const cidr = text.includes('/') ? text : text.split('-').slice(1).join('/');
  const [ip = '', bits = ''] = cidr.split('/');
  const max = isIP(ip) === 6 ? 128 : 32;
  if (!isIP(ip) || !/^\d+$/.test(bits) || Number(bits) < 8 || Number(bits) > max)
    throw paramError({ subnet: `value '${cidr}' does not look like a valid CIDR network` });
  return cidr;
}

function subnetAnswer(id: string, subnet: object, digest: string | undefined): Record<string, unknown> {
  const [zone, network, mask] = id.split('-');
  const out: Record<string, unknown> = {
    ...subnet,
    subnet: id,
    cidr: `${network}/${mask}`,
    zone,
    network,
    mask,
  };
  const ranges = (subnet as SdnObject)['dhcp-range'];
  if (typeof ranges === 'string')
    out['dhcp-range'] = ranges
      .split(' ')
      .map((r) => Object.fromEntries(r.split(',').map((kv) => kv.split('='))));
  if (digest) out.digest = digest;
  return out;
}

const subnets: HandlerTable = {
  'GET /cluster/sdn/vnets/{vnet}/subnets': (ctx) => {
    vnetAccess(ctx, AUDIT);
    const { items, digest } = sdnView(ctx, 'subnets');
    return [...items]
      .filter(([, s]) => (s as SdnObject).vnet === str(ctx.params.vnet))
      .map(([id, s]) => subnetAnswer(id, s, digest));
  },
  'GET /cluster/sdn/vnets/{vnet}/subnets/{subnet}': (ctx) => {
    vnetAccess(ctx, AUDIT);
    const id = str(ctx.params.subnet) ?? '';
    subnetCidr(id);
    const { items, digest } = sdnView(ctx, 'subnets');
    const subnet = items.get(id) as SdnObject | undefined;
    if (!subnet) throw new SimError(500, `sdn subnet '${id}' does not exist`);
    if (subnet.vnet !== str(ctx.params.vnet)) throw paramError({ vnet: 'wrong vnet' });
    return subnetAnswer(id, subnet, digest);
  },
  'POST /cluster/sdn/vnets/{vnet}/subnets': (ctx) => {
    const vnet = vnetAccess(ctx, ['SDN.Allocate']);
    const cidr = subnetCidr(str(ctx.params.subnet) ?? '');
    const id = `${vnet.zone}-${cidr.replace('/', '-')}`;
    locked('create sdn subnet object failed', () => {
      const all = ctx.core.sdn.config.subnets;
      if (all.has(id)) throw new SimError(500, `sdn subnet object ID '${id}' already defined`);
      all.set(id, { type: 'subnet', ...sdnOptions(ctx, ['subnet']) });
    });
    return null;
  },
  'PUT /cluster/sdn/vnets/{vnet}/subnets/{subnet}': (ctx) => {
    vnetAccess(ctx, ['SDN.Allocate']);
    const id = str(ctx.params.subnet) ?? '';
    subnetCidr(id);
    locked('update sdn subnet object failed', () => {
      const all = ctx.core.sdn.config.subnets;
      const current = all.get(id);
      if (!current) throw new SimError(500, `sdn subnet '${id}' does not exist`);
      sdnDigest(ctx, 'subnets');
      const next = { ...current, ...sdnOptions(ctx, ['subnet']) };
      sdnDelete(ctx, next, ['vnet']);
      all.set(id, next);
    });
    return null;
  },
  'DELETE /cluster/sdn/vnets/{vnet}/subnets/{subnet}': (ctx) => {
    vnetAccess(ctx, ['SDN.Allocate']);
    const id = str(ctx.params.subnet) ?? '';
    subnetCidr(id);
    locked('delete sdn subnet object failed', () => ctx.core.sdn.config.subnets.delete(id));
    return null;
  },
};

export const sdnVnetHandlers: HandlerTable = { ...vnets, ...subnets };
