/**
 * Firewall, HA and SDN in the simulator, driven as a user would: the SDK's fluent API
 * over the in-process backend.
 */
import { describe, expect, it } from 'vitest';
import { type ProxmoxSDK as Client, ProxmoxSDK, ResourceException } from '../../src/index.js';
import { SimulatorEngine } from '../../src/simulator/index.js';

async function connect(): Promise<{ px: Client; engine: SimulatorEngine }> {
  const engine = new SimulatorEngine({ taskDurationMs: 50 });
  const px = await ProxmoxSDK.connect({ backend: 'mock', engine, user: 'root@pam', password: 'proxmox' });
  return { px, engine };
}

async function refusal(call: Promise<unknown>): Promise<ResourceException> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ResourceException);
  return error as ResourceException;
}

type Rule = { pos: number; type: string; action: string; digest: string; [key: string]: unknown };

describe('firewall', () => {
  it('starts empty, puts each new rule on top (pos on create is ignored, as PVE does) and lists them in order', async () => {
    const { px } = await connect();
    const rules = px.cluster.firewall.rules;
    expect(await rules.get()).toEqual([]);
    await rules.post({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', comment: 'ssh', enable: 1 });
    await rules.post({ type: 'in', action: 'ACCEPT', macro: 'https', enable: 1 });
    await rules.post({ type: 'out', action: 'DROP', dest: '10.0.0.0/8', pos: 2 });
    const list = (await rules.get()) as Rule[];
    expect(list.map((r) => [r.pos, r.type, r.action])).toEqual([
      [0, 'out', 'DROP'],
      [1, 'in', 'ACCEPT'],
      [2, 'in', 'ACCEPT'],
    ]);
    // Macros take PVE's spelling; a rule created without `enable` is disabled.
    expect(list[1]).toMatchObject({ macro: 'HTTPS', enable: 1 });
    expect(list[0]).toMatchObject({ enable: 0, ipversion: 4 });
    expect(new Set(list.map((r) => r.digest)).size).toBe(1);
    expect(await rules(2).get()).toMatchObject({ pos: 2, comment: 'ssh', dport: '22' });
    const missing = await refusal(rules(3).get());
    expect(missing.statusCode).toBe(500);
    expect(missing.message).toMatch(/no rule at position 3/);
  });

  it('moves a rule with moveto, changes and deletes by position, and refuses a stale digest', async () => {
    const { px } = await connect();
    const rules = px.cluster.firewall.rules;
    for (const comment of ['c', 'b', 'a']) await rules.post({ type: 'in', action: 'ACCEPT', comment });
    const before = (await rules.get()) as Rule[];
    expect(before.map((r) => r.comment)).toEqual(['a', 'b', 'c']);
    await rules(2).put({ moveto: 0 });
    expect(((await rules.get()) as Rule[]).map((r) => r.comment)).toEqual(['c', 'a', 'b']);
    // PVE puts the rule before the one now at `moveto`: moving 0 to 2 lands it at 1.
    await rules(0).put({ moveto: 2 });
    expect(((await rules.get()) as Rule[]).map((r) => r.comment)).toEqual(['a', 'c', 'b']);

    const stale = await refusal(rules(0).delete({ digest: before[0]!.digest }));
    expect(stale.statusCode).toBe(500);
    expect(stale.message).toMatch(
      /detected modified configuration - file changed by other user\? Try again\./,
    );

    const current = (await rules.get()) as Rule[];
    await rules(1).put({ action: 'DROP', delete: 'comment', digest: current[0]!.digest });
    expect(await rules(1).get()).not.toHaveProperty('comment');
    expect(await rules(1).get()).toMatchObject({ action: 'DROP' });
    await rules(0).delete({ digest: ((await rules.get()) as Rule[])[0]!.digest });
    expect(((await rules.get()) as Rule[]).map((r) => r.action)).toEqual(['DROP', 'ACCEPT']);
  });

  it('checks rules as verify_rule does, one parameter at a time', async () => {
    const { px } = await connect();
    const rules = px.cluster.firewall.rules;
    const cases: [NonNullable<Parameters<typeof rules.post>[0]>, string, string][] = [
      [{ type: 'in', action: 'ALLOW' }, 'action', "unknown action 'ALLOW'"],
      [
        { type: 'in', action: 'ACCEPT', dport: '22' },
        'proto',
        "missing property - 'dport' requires this property",
      ],
      [
        { type: 'in', action: 'ACCEPT', proto: 'icmp', sport: '22' },
        'sport',
        "protocol 'icmp' does not support ports",
      ],
      [{ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '70000' }, 'dport', "invalid port '70000'"],
      [{ type: 'in', action: 'ACCEPT', macro: 'nope' }, 'macro', "unknown macro 'nope'"],
      [{ type: 'in', action: 'ACCEPT', source: 'office' }, 'source', "no such alias 'office'"],
      [{ type: 'in', action: 'ACCEPT', dest: '+blocked' }, 'dest', "no such ipset 'blocked'"],
      [{ type: 'in', action: 'ACCEPT', source: '10.0.0.1,fd00::1' }, 'source', 'detected mixed ipv4/ipv6'],
    ];
    for (const [params, param, message] of cases) {
      const error = await refusal(rules.post(params));
      expect(error.statusCode, JSON.stringify(params)).toBe(400);
      expect(error.errors?.[param]).toContain(message);
    }
    const guestIface = await refusal(
      px.nodes('pve1').qemu(100).firewall.rules.post({ type: 'in', action: 'ACCEPT', iface: 'eth0' }),
    );
    expect(guestIface.errors).toEqual({ iface: "value does not match the regex pattern 'net\\d+'" });
    expect(await rules.get()).toEqual([]);
  });

  it('lets a VM rule use a security group, an alias and an IP set', async () => {
    const { px } = await connect();
    const fw = px.cluster.firewall;
    await fw.groups.post({ group: 'webserver', comment: 'web tier' });
    await fw.groups('webserver').post({ type: 'in', action: 'ACCEPT', macro: 'HTTP', enable: 1 });
    await fw.groups('webserver').post({ type: 'in', action: 'ACCEPT', macro: 'HTTPS', enable: 1 });
    expect(await fw.groups.get()).toEqual([
      expect.objectContaining({ group: 'webserver', comment: 'web tier' }),
    ]);
    const inGroup = await refusal(fw.groups('webserver').post({ type: 'group', action: 'other' }));
    expect(inGroup.errors).toEqual({ type: 'security groups not allowed' });

    await fw.aliases.post({ name: 'office', cidr: '192.0.2.0/24', comment: 'HQ' });
    await fw.ipset.post({ name: 'blocked' });
    await fw.ipset('blocked').post({ cidr: '198.51.100.0/24' });
    await fw.ipset('blocked').post({ cidr: 'office', nomatch: 1 });
    expect(await fw.ipset('blocked').get()).toEqual([
      expect.objectContaining({ cidr: 'office', nomatch: 1 }),
      expect.objectContaining({ cidr: '198.51.100.0/24' }),
    ]);
    expect(await fw.ipset('blocked')('198.51.100.0/24').get()).toMatchObject({ cidr: '198.51.100.0/24' });
    const badEntry = await refusal(fw.ipset('blocked').post({ cidr: 'nowhere' }));
    expect(badEntry.message).toMatch(/no such alias 'nowhere'/);

    const vm = px.nodes('pve1').qemu(100).firewall;
    await vm.rules.post({ type: 'group', action: 'webserver', iface: 'net0', enable: 1 });
    await vm.rules.post({ type: 'in', action: 'DROP', source: '+dc/blocked', enable: 1 });
    await vm.rules.post({ type: 'in', action: 'ACCEPT', source: 'office', proto: 'tcp', dport: 'ssh' });
    expect(((await vm.rules.get()) as Rule[]).map((r) => [r.type, r.action])).toEqual([
      ['in', 'ACCEPT'],
      ['in', 'DROP'],
      ['group', 'webserver'],
    ]);
    expect(await vm.refs.get({ type: 'ipset' })).toEqual([
      { type: 'ipset', name: 'blocked', ref: '+dc/blocked', scope: 'dc' },
    ]);

    const busy = await refusal(fw.groups('webserver').delete());
    expect(busy.message).toMatch(/Security group 'webserver' is not empty/);
    const notEmpty = await refusal(fw.ipset('blocked').delete());
    expect(notEmpty.message).toMatch(/IPSet 'blocked' is not empty/);
    await fw.ipset('blocked').delete({ force: 1 });
    expect(await fw.ipset.get()).toEqual([]);
  });

  it('keeps options with delete and digest, answering only what is set', async () => {
    const { px } = await connect();
    const options = px.cluster.firewall.options;
    const fresh = (await options.get()) as Record<string, unknown>;
    expect(Object.keys(fresh)).toEqual(['digest']);
    await options.put({ enable: 1, policy_in: 'DROP', policy_out: 'ACCEPT' });
    expect(await options.get()).toMatchObject({ enable: 1, policy_in: 'DROP', policy_out: 'ACCEPT' });
    const stale = await refusal(options.put({ policy_in: 'REJECT', digest: fresh.digest as string }));
    expect(stale.message).toMatch(/detected modified configuration/);
    await options.put({ delete: 'policy_out' });
    expect(await options.get()).not.toHaveProperty('policy_out');
    const unknown = await refusal(options.put({ delete: 'log_level_in' }));
    expect(unknown.errors).toEqual({ delete: "no such option 'log_level_in'" });

    const vm = px.nodes('pve1').qemu(100).firewall.options;
    await vm.put({ enable: 1, log_level_in: 'info', macfilter: 0 });
    expect(await vm.get()).toMatchObject({ enable: 1, log_level_in: 'info', macfilter: 0 });
  });

  it('forgets a guest firewall with its guest, as PVE removes <vmid>.fw on destroy', async () => {
    const { px, engine } = await connect();
    const stopped = [...engine.cluster.guests.values()].find(
      (g) => g.type === 'qemu' && g.status === 'stopped',
    )!;
    const guest = px.nodes(stopped.node).qemu(stopped.vmid);
    await guest.firewall.rules.post({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443' });
    expect(await guest.firewall.rules.get()).toHaveLength(1);
    await guest.delete({}, { wait: true });
    expect(await guest.firewall.rules.get()).toEqual([]);
  });
});

describe('HA', () => {
  it('manages an existing VM, starts it, reports it, and refuses a missing one', async () => {
    const { px, engine } = await connect();
    const ha = px.cluster.ha;
    const vm = [...engine.cluster.guests.values()].find((g) => g.type === 'qemu' && g.status === 'stopped')!;
    const sid = `vm:${vm.vmid}`;
    expect(await ha.resources.get()).toEqual([]);
    expect(await ha.status.current.get()).toEqual([expect.objectContaining({ id: 'quorum', status: 'OK' })]);

    const missing = await refusal(ha.resources.post({ sid: 'vm:999999' }));
    expect(missing.statusCode).toBe(500);
    expect(missing.message).toMatch(/resource 'vm:999999' does not exists in cluster/);

    await ha.resources.post({ sid, state: 'started', max_restart: 2, comment: 'critical' });
    expect(await ha.resources(sid).get()).toMatchObject({
      sid,
      type: 'vm',
      state: 'started',
      max_restart: 2,
    });
    expect(engine.cluster.guests.get(vm.vmid)?.status).toBe('running');
    const twice = await refusal(ha.resources.post({ sid }));
    expect(twice.message).toMatch(/resource ID '.*' already defined/);

    const status = (await ha.status.current.get()) as Record<string, unknown>[];
    expect(status.map((s) => s.type)).toEqual(expect.arrayContaining(['quorum', 'master', 'lrm', 'service']));
    expect(status.find((s) => s.id === `service:${sid}`)).toMatchObject({
      sid,
      node: vm.node,
      state: 'started',
      crm_state: 'started',
      request_state: 'started',
    });
    expect(await ha.status.manager_status.get()).toMatchObject({
      manager_status: { service_status: { [sid]: { state: 'started' } } },
    });

    await ha.resources(sid).put({ state: 'stopped' });
    expect(engine.cluster.guests.get(vm.vmid)?.status).toBe('stopped');
    await ha.resources(sid).put({ state: 'disabled' });
    expect(await ha.resources(sid).get()).toMatchObject({ state: 'disabled' });
  });

  it('ties rules to managed resources and existing nodes; deleting a resource purges its rules; groups are gone on PVE 9', async () => {
    const { px } = await connect();
    const ha = px.cluster.ha;
    const unmanaged = await refusal(
      ha.rules.post({ rule: 'pin', type: 'node-affinity', resources: 'vm:100', nodes: 'pve1' }),
    );
    expect(unmanaged.message).toMatch(/cannot use unmanaged resource\(s\) vm:100\./);
    await ha.resources.post({ sid: 'vm:100' });
    const badNode = await refusal(
      ha.rules.post({ rule: 'pin', type: 'node-affinity', resources: 'vm:100', nodes: 'pve1,nowhere' }),
    );
    expect(badNode.message).toMatch(/cannot use non-existant node\(s\) nowhere\./);
    await ha.rules.post({ rule: 'pin', type: 'node-affinity', resources: 'vm:100', nodes: 'pve1:2,pve2' });
    expect(await ha.rules('pin').get()).toMatchObject({
      rule: 'pin',
      nodes: 'pve1:2,pve2',
      strict: 0,
      order: 1,
    });
    expect(await ha.rules.get({ resource: 'vm:100' })).toHaveLength(1);

    const groups = await refusal(ha.groups.get());
    expect(groups.message).toMatch(/ha groups have been migrated to rules/);
    const group = await refusal(ha.resources('vm:100').put({ group: 'old' }));
    expect(group.message).toMatch(/invalid parameter 'group'/);

    await ha.resources('vm:100').delete();
    expect(await ha.rules.get()).toEqual([]);
    const gone = await refusal(ha.resources('vm:100').delete());
    expect(gone.message).toMatch(/resource 'vm:100' is not HA managed/);
  });
});

describe('SDN', () => {
  it('keeps zone, vnet and subnet pending until applied by a task, then they are current', async () => {
    const { px } = await connect();
    const sdn = px.cluster.sdn;
    const orphan = await refusal(sdn.vnets.post({ vnet: 'orphan', zone: 'nozone' }));
    expect(orphan.message).toMatch(/500 create sdn vnet object failed/);

    await sdn.zones.post({ zone: 'lab', type: 'simple', ipam: 'pve' });
    await sdn.vnets.post({ vnet: 'labnet', zone: 'lab', alias: 'lab network' });
    const badCidr = await refusal(
      sdn.vnets('labnet').subnets.post({ subnet: '10.20.0.0/33', type: 'subnet' }),
    );
    expect(badCidr.errors).toEqual({
      subnet: "value '10.20.0.0/33' does not look like a valid CIDR network",
    });
    const noVnet = await refusal(sdn.vnets('nonet').subnets.post({ subnet: '10.20.0.0/24', type: 'subnet' }));
    expect(noVnet.message).toMatch(/sdn vnet 'nonet' does not exist/);
    await sdn.vnets('labnet').subnets.post({ subnet: '10.20.0.0/24', type: 'subnet', gateway: '10.20.0.1' });

    expect(await sdn.zones.get({ running: 1 })).toEqual([]);
    expect(await sdn.zones.get({ pending: 1 })).toEqual([
      expect.objectContaining({ zone: 'lab', type: 'simple', state: 'new', pending: { ipam: 'pve' } }),
    ]);
    expect(await sdn.vnets.get({ pending: 1 })).toEqual([
      expect.objectContaining({
        vnet: 'labnet',
        state: 'new',
        pending: { zone: 'lab', alias: 'lab network' },
      }),
    ]);
    const subnets = (await sdn.vnets('labnet').subnets.get()) as Record<string, unknown>[];
    expect(subnets).toEqual([
      expect.objectContaining({
        subnet: 'lab-10.20.0.0-24',
        cidr: '10.20.0.0/24',
        zone: 'lab',
        gateway: '10.20.0.1',
      }),
    ]);
    expect(await px.nodes('pve1').sdn.zones.get()).toEqual([{ zone: 'lab', status: 'pending' }]);

    const pendingZones = await px.cluster.resources.get({ type: 'sdn' });
    expect(pendingZones.filter((r) => r.node === 'pve1').map((r) => r.sdn)).toEqual(['localnetwork']);
    const done = await sdn.put({}, { wait: true });
    expect(done).toMatchObject({ type: 'reloadnetworkall', exitstatus: 'OK' });
    expect(await sdn.zones.get({ running: 1 })).toEqual([
      expect.objectContaining({ zone: 'lab', ipam: 'pve' }),
    ]);
    const applied = (await sdn.zones.get({ pending: 1 })) as Record<string, unknown>[];
    expect(applied[0]).not.toHaveProperty('state');
    expect(await px.nodes('pve1').sdn.zones.get()).toEqual([{ zone: 'lab', status: 'available' }]);
    const listed = await px.cluster.resources.get({ type: 'sdn' });
    expect(listed.filter((r) => r.node === 'pve1').map((r) => r.sdn)).toEqual(['localnetwork', 'lab']);

    const used = await refusal(sdn.zones('lab').delete());
    expect(used.message).toMatch(/zone lab is used by vnet labnet/);
    await sdn.vnets('labnet').subnets('lab-10.20.0.0-24').delete();
    await sdn.vnets('labnet').delete();
    await sdn.zones('lab').delete();
    expect(await sdn.zones.get()).toEqual([]);
    expect(await sdn.zones.get({ pending: 1 })).toEqual([
      expect.objectContaining({ zone: 'lab', state: 'deleted' }),
    ]);
    const upid = (await sdn.put()) as string;
    await px.tasks.wait(upid);
    expect(await sdn.zones.get({ pending: 1 })).toEqual([]);
  });

  it('checks tags against the zone type and rolls pending changes back', async () => {
    const { px } = await connect();
    const sdn = px.cluster.sdn;
    await sdn.zones.post({ zone: 'vlans', type: 'vlan', bridge: 'vmbr0' });
    const noBridge = await refusal(sdn.zones.post({ zone: 'nobr', type: 'vlan' }));
    expect(noBridge.errors).toEqual({ bridge: 'property is missing' });
    const untagged = await refusal(sdn.vnets.post({ vnet: 'v10', zone: 'vlans' }));
    // The lock wraps the parameter error into a 500; the body has every line.
    expect(untagged.statusMessage).toBe('create sdn vnet object failed: 400 Parameter verification failed.');
    expect(untagged.content).toContain('tag: missing vlan tag');
    await sdn.vnets.post({ vnet: 'v10', zone: 'vlans', tag: 10 });
    const dup = await refusal(sdn.vnets.post({ vnet: 'v10b', zone: 'vlans', tag: 10 }));
    expect(dup.content).toContain('tag: tag 10 already exist in vnet v10');
    await sdn.rollback.post();
    expect(await sdn.zones.get()).toEqual([]);
    expect(await sdn.vnets.get()).toEqual([]);
  });
});
