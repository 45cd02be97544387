/**
 * Firewall, HA and SDN objects that the walk's calls need, and parameter values those
 * handlers accept: like PVE they refuse the generic samples (a rule action `sample`, an HA
 * resource id `sample`, a subnet `sample`) and answer 500 for objects that do not exist.
 */
import type { ApiMethod } from '../../../src/generated/schema-types.js';
import type { SimulatorEngine } from '../../../src/simulator/index.js';

/** Methods PVE 9 answers with an error by design: HA groups are migrated to rules. */
export const REFUSED_BY_DESIGN: Record<string, RegExp> = {
  'PVE GET /cluster/ha/groups': /ha groups have been migrated to rules/,
  'PVE POST /cluster/ha/groups': /ha groups have been migrated to rules/,
  'PVE GET /cluster/ha/groups/{group}': /ha groups have been migrated to rules/,
  'PVE PUT /cluster/ha/groups/{group}': /ha groups have been migrated to rules/,
  'PVE DELETE /cluster/ha/groups/{group}': /ha groups have been migrated to rules/,
};

async function must(
  engine: SimulatorEngine,
  method: 'POST',
  path: string,
  params: Record<string, string>,
): Promise<void> {
  const result = await engine.call(method, path, params);
  if (result.status !== 200) throw new Error(`fixture ${method} ${path}: ${result.status} ${result.message}`);
}

const RULE = { type: 'in', action: 'ACCEPT' };

async function firewall(
  engine: SimulatorEngine,
  api: ApiMethod,
  params: Record<string, string>,
): Promise<void> {
  const kind = api.path.includes('/lxc/') ? 'lxc' : 'qemu';
  const guest = params.vmid ? `/nodes/${params.node}/${kind}/${params.vmid}/firewall` : undefined;
  await must(engine, 'POST', '/cluster/firewall/rules', RULE);
  await must(engine, 'POST', `/nodes/${engine.localNode}/firewall/rules`, RULE);
  for (const group of ['sample', 'spare']) await must(engine, 'POST', '/cluster/firewall/groups', { group });
  await must(engine, 'POST', '/cluster/firewall/groups/sample', RULE);
  for (const base of guest ? ['/cluster/firewall', guest] : ['/cluster/firewall']) {
    await must(engine, 'POST', `${base}/aliases`, { name: 'sample', cidr: '192.0.2.10' });
    for (const name of ['sample', 'spare']) await must(engine, 'POST', `${base}/ipset`, { name });
    await must(engine, 'POST', `${base}/ipset/sample`, { cidr: 'sample' });
  }
  if (guest) await must(engine, 'POST', `${guest}/rules`, RULE);
  const { method, path } = api;
  if (method === 'POST' && /\/rules$|\/groups\/\{group\}$/.test(path)) params.action = 'ACCEPT';
  if (/\/aliases(\/\{name\})?$/.test(path) && (method === 'POST' || method === 'PUT'))
    params.cidr = '192.0.2.20';
  if (method === 'POST' && path.endsWith('/ipset/{name}')) params.cidr = '198.51.100.0/24';
  if (method === 'POST' && /\/(aliases|ipset)$/.test(path)) params.name = 'fresh';
  if (method === 'POST' && path.endsWith('/groups')) params.group = 'fresh';
  if (method === 'DELETE' && path.endsWith('/ipset/{name}')) params.name = 'spare';
  if (method === 'DELETE' && path.endsWith('/groups/{group}')) params.group = 'spare';
}

async function ha(engine: SimulatorEngine, api: ApiMethod, params: Record<string, string>): Promise<void> {
  await must(engine, 'POST', '/cluster/ha/resources', { sid: 'vm:100' });
  const rule = { rule: 'memory', type: 'node-affinity', resources: 'vm:100', nodes: engine.localNode };
  await must(engine, 'POST', '/cluster/ha/rules', rule);
  const other = [...engine.cluster.guests.values()].find((g) => g.vmid !== 100 && g.type === 'qemu');
  if (params.sid !== undefined)
    params.sid =
      api.method === 'POST' && api.path === '/cluster/ha/resources' ? `vm:${other?.vmid}` : 'vm:100';
  if (api.method === 'POST' && api.path === '/cluster/ha/rules')
    Object.assign(params, rule, { rule: 'fresh' });
}

async function sdn(engine: SimulatorEngine, api: ApiMethod, params: Record<string, string>): Promise<void> {
  await must(engine, 'POST', '/cluster/sdn/controllers', {
    controller: 'sample',
    type: 'evpn',
    asn: '65000',
  });
  for (const zone of ['sample', 'spare'])
    await must(engine, 'POST', '/cluster/sdn/zones', { zone, type: 'simple' });
  for (const vnet of ['sample', 'spare'])
    await must(engine, 'POST', '/cluster/sdn/vnets', { vnet, zone: 'sample' });
  await must(engine, 'POST', '/cluster/sdn/vnets/sample/subnets', { subnet: '10.0.0.0/24', type: 'subnet' });
  const { method, path } = api;
  if (method === 'POST' && path === '/cluster/sdn/zones')
    Object.assign(params, { zone: 'fresh', controller: 'sample', 'vrf-vxlan': '100' });
  if (method === 'POST' && path === '/cluster/sdn/controllers')
    Object.assign(params, { controller: 'fresh', asn: '65001', node: engine.localNode });
  if (method === 'POST' && path === '/cluster/sdn/vnets') params.vnet = 'fresh';
  if (method === 'DELETE' && path === '/cluster/sdn/zones/{zone}') params.zone = 'spare';
  if (method === 'DELETE' && path === '/cluster/sdn/vnets/{vnet}') params.vnet = 'spare';
  if (params.subnet !== undefined) params.subnet = method === 'POST' ? '10.1.0.0/24' : 'sample-10.0.0.0-24';
}

/** Sets up what the call needs and fixes its parameters, for PVE's firewall, HA and SDN paths. */
export async function networkFixtures(
  engine: SimulatorEngine,
  api: ApiMethod,
  params: Record<string, string>,
): Promise<void> {
  if (engine.service !== 'PVE') return;
  if (api.path.includes('/firewall') && !api.path.startsWith('/cluster/sdn'))
    await firewall(engine, api, params);
  else if (api.path.startsWith('/cluster/ha')) await ha(engine, api, params);
  else if (api.path.startsWith('/cluster/sdn') || api.path.startsWith('/nodes/{node}/sdn'))
    await sdn(engine, api, params);
}
