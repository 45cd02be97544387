/**
 * SDN zones and controllers, applying (`PUT /cluster/sdn`) and rollback, following
 * pve-network's `API2/Network/SDN/*.pm`. Changes land in the configuration and stay
 * pending until applied: lists answer the configuration, `running=1` what is applied,
 * `pending=1` both with `state` and `pending`. Applying commits at once and answers the
 * UPID of the `reloadnetworkall` task that reloads every node's network.
 */

import { authId, type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { typedRecord } from '../../engine/typed-values.js';
import { locked } from '../../state/cfs-lock.js';
import type { SdnObject } from '../../state/sdn-state.js';
import { visibilityFor } from '../cluster/visibility.js';
import { requireNode } from '../guests/common.js';
import { sdnDelete, sdnDigest, sdnOptions, sdnView } from './common.js';
import { sdnVnetHandlers } from './vnets.js';

const ZONE_REQUIRED: Record<string, string[]> = {
  vlan: ['bridge'],
  qinq: ['bridge', 'tag'],
  evpn: ['controller', 'vrf-vxlan'],
};
const CONTROLLER_REQUIRED: Record<string, string[]> = {
  evpn: ['asn'],
  bgp: ['asn', 'node'],
  isis: ['isis-domain', 'isis-ifaces', 'isis-net', 'node'],
};

/** SectionConfig's `check_config` on create: a required option missing is a 400. */
function requireOptions(options: SdnObject, required: string[] | undefined): void {
  for (const key of required ?? [])
    if (options[key] === undefined) throw paramError({ [key]: 'property is missing' });
}

/** The zone plugins' `on_update_hook` and the zone API's references to DNS and IPAM. */
function checkZone(ctx: HandlerContext, zone: SdnObject): void {
  const { sdn, generic } = ctx.core;
  if (zone.type === 'vxlan' && Boolean(zone.peers) === Boolean(zone.fabric)) {
    const message = 'must have exactly one of peers / fabric defined';
    throw paramError({ peers: message, fabric: message });
  }
  if (zone.type === 'evpn') {
    const controller = sdn.config.controllers.get(zone.controller ?? '');
    if (!controller) throw new SimError(500, `controller ${zone.controller} don't exist`);
    if (controller.type !== 'evpn')
      throw new SimError(500, `${zone.controller} is not a evpn controller type`);
  }
  for (const key of ['dns', 'reversedns'])
    if (zone[key] && !generic.get('/cluster/sdn/dns', zone[key] ?? ''))
      throw paramError({ [key]: `${zone[key]} don't exist` });
  if (zone.dnszone && !zone.dns) throw paramError({ dnszone: 'missing dns server' });
  // The built-in `pve` IPAM always exists; others are the ones created through the API.
  if (zone.ipam && zone.ipam !== 'pve' && !generic.get('/cluster/sdn/ipams', zone.ipam))
    throw paramError({ ipam: `${zone.ipam} not existing` });
}

function listOf(kind: 'zones' | 'controllers', idKey: string) {
  return (ctx: HandlerContext): unknown => {
    const { items, digest } = sdnView(ctx, kind);
    const see = visibilityFor(ctx, `/sdn/${kind}`, ['SDN.Audit', 'SDN.Allocate']);
    const only = str(ctx.params.type);
    return [...items]
      .filter(([id, o]) => see(id) && (!only || (o as SdnObject).type === only))
      .map(([id, o]) => ({ ...o, [idKey]: id, ...(digest ? { digest } : {}) }));
  };
}

function readOf(kind: 'zones' | 'controllers', idKey: string) {
  return (ctx: HandlerContext): unknown => {
    const id = str(ctx.params[idKey]) ?? '';
    const { items, digest } = sdnView(ctx, kind);
    const object = items.get(id);
    if (!object) throw new SimError(500, `sdn '${id}' does not exist`);
    // The schema gives this answer properties but no `type`, so the engine leaves it as built.
    const typed = typedRecord(object as SdnObject, ctx.info.api?.returns, true);
    return { ...typed, [idKey]: id, ...(digest ? { digest } : {}) };
  };
}

function createOf(kind: 'zones' | 'controllers', idKey: string, what: string) {
  return (ctx: HandlerContext): unknown => {
    const id = str(ctx.params[idKey]) ?? '';
    const type = str(ctx.params.type) ?? '';
    const options = { type, ...sdnOptions(ctx, [idKey]) };
    requireOptions(options, (kind === 'zones' ? ZONE_REQUIRED : CONTROLLER_REQUIRED)[type]);
    locked(`create sdn ${what} object failed`, () => {
      const objects = ctx.core.sdn.config[kind];
      if (objects.has(id)) throw new SimError(500, `sdn ${what} object ID '${id}' already defined`);
      if (kind === 'zones') checkZone(ctx, options);
      objects.set(id, options);
    });
    return null;
  };
}

function updateOf(kind: 'zones' | 'controllers', idKey: string, what: string) {
  return (ctx: HandlerContext): unknown => {
    const id = str(ctx.params[idKey]) ?? '';
    locked(`update sdn ${what} object failed`, () => {
      const objects = ctx.core.sdn.config[kind];
      sdnDigest(ctx, kind);
      const current = objects.get(id);
      if (!current) throw new SimError(500, `sdn '${id}' does not exist`);
      const next = { ...current, ...sdnOptions(ctx, [idKey]) };
      sdnDelete(ctx, next, (kind === 'zones' ? ZONE_REQUIRED : CONTROLLER_REQUIRED)[current.type ?? '']);
      if (kind === 'zones') checkZone(ctx, next);
      objects.set(id, next);
    });
    return null;
  };
}

function deleteOf(kind: 'zones' | 'controllers', idKey: string, what: string) {
  return (ctx: HandlerContext): unknown => {
    const id = str(ctx.params[idKey]) ?? '';
    const { config } = ctx.core.sdn;
    locked(`delete sdn ${what} object failed`, () => {
      if (!config[kind].has(id)) throw new SimError(500, `sdn '${id}' does not exist`);
      const users = kind === 'zones' ? config.vnets : config.zones;
      for (const [user, object] of users) {
        if (kind === 'zones' && object.zone === id)
          throw new SimError(500, `zone ${id} is used by vnet ${user}`);
        if (kind === 'controllers' && object.controller === id)
          throw new SimError(500, `controller ${id} is used by ${user}`);
      }
      config[kind].delete(id);
    });
    return null;
  };
}

function apply(ctx: HandlerContext): unknown {
  const { core } = ctx;
  locked('could not commit SDN config', () => core.sdn.apply());
  const nodes = [...core.cluster.nodes.keys()].sort();
  return core.tasks.start({
    node: core.localNode,
    type: 'reloadnetworkall',
    id: '',
    user: authId(ctx.subject),
    log: nodes.map((node) => `reloading network config on node '${node}'`),
  }).upid;
}

/** `/nodes/{node}/sdn/zones`: applied zones are available there, the rest pending. */
function nodeZones(ctx: HandlerContext): unknown {
  requireNode(ctx.core, str(ctx.params.node));
  const { config, running } = ctx.core.sdn;
  const see = visibilityFor(ctx, '/sdn/zones', ['SDN.Audit']);
  const ids = [...new Set([...running.zones.keys(), ...config.zones.keys()])].sort();
  return ids
    .filter((zone) => see(zone))
    .map((zone) => ({ zone, status: running.zones.has(zone) ? 'available' : 'pending' }));
}

export const sdnHandlers: HandlerTable = {
  ...sdnVnetHandlers,
  'GET /cluster/sdn/zones': listOf('zones', 'zone'),
  'POST /cluster/sdn/zones': createOf('zones', 'zone', 'zone'),
  'GET /cluster/sdn/zones/{zone}': readOf('zones', 'zone'),
  'PUT /cluster/sdn/zones/{zone}': updateOf('zones', 'zone', 'zone'),
  'DELETE /cluster/sdn/zones/{zone}': deleteOf('zones', 'zone', 'zone'),
  'GET /cluster/sdn/controllers': listOf('controllers', 'controller'),
  'POST /cluster/sdn/controllers': createOf('controllers', 'controller', 'controller'),
  'GET /cluster/sdn/controllers/{controller}': readOf('controllers', 'controller'),
  'PUT /cluster/sdn/controllers/{controller}': updateOf('controllers', 'controller', 'controller'),
  'DELETE /cluster/sdn/controllers/{controller}': deleteOf('controllers', 'controller', 'controller'),
  'PUT /cluster/sdn': apply,
  'POST /cluster/sdn/rollback': (ctx) => {
    locked('could not rollback SDN config', () => ctx.core.sdn.rollback());
    return null;
  },
  'GET /nodes/{node}/sdn/zones': nodeZones,
};
