/**
 * The ensure.* helpers run twice: the first run creates (or corrects), the second finds
 * everything in place and says `unchanged` without writing; the state is read back each time.
 */
import { describe, expect, it } from 'vitest';
import { connect } from './helpers.js';

describe('ensure.guest', () => {
  it('creates the VM when no guest has the name, then reports it unchanged', async () => {
    const { px, wf } = await connect();
    const wanted = { name: 'wf-ensure-vm', node: 'pve2', config: { memory: 2048, cores: 2 } };
    const first = await wf.ensure.guest(wanted);
    expect(first.action).toBe('created');
    expect(first.changed.sort()).toEqual(['cores', 'memory']);
    const config = await px.nodes('pve2').qemu(first.value.vmid).config.get();
    // memory is a property string since PVE 8.1 ([current=]<integer>, qemu-server
    // PVE/QemuServer/Memory.pm), so it reads back as text; cores is an integer.
    expect(config).toMatchObject({ name: 'wf-ensure-vm', memory: '2048', cores: 2 });

    const again = await wf.ensure.guest(wanted);
    expect(again).toMatchObject({ action: 'unchanged', changed: [] });
    expect(again.value.vmid).toBe(first.value.vmid);
  });

  it('a NIC without a MAC and a disk by STORAGE:SIZE settle: PVE stores them rewritten (a generated MAC, the allocated volume), and a second run changes nothing', async () => {
    const { px, wf } = await connect();
    const wanted = {
      name: 'wf-ensure-rewritten',
      node: 'pve1',
      config: { memory: 1024, net0: 'virtio,bridge=vmbr0', scsi0: 'local-lvm:4' },
    };
    const first = await wf.ensure.guest(wanted);
    expect(first.action).toBe('created');
    const config = await px.nodes('pve1').qemu(first.value.vmid).config.get();
    expect(String(config.net0)).toMatch(/^virtio=[0-9A-F:]{17},bridge=vmbr0$/);
    expect(String(config.scsi0)).toMatch(/^local-lvm:vm-\d+-disk-0,size=4G$/);
    const again = await wf.ensure.guest(wanted);
    expect(again).toMatchObject({ action: 'unchanged', changed: [] });
    expect(await px.nodes('pve1').qemu(first.value.vmid).config.get()).toEqual(config);
    // A real difference is still one: another bridge is set, and only that key.
    const moved = await wf.ensure.guest({
      ...wanted,
      config: { ...wanted.config, net0: 'virtio,bridge=vmbr1' },
    });
    expect(moved).toMatchObject({ action: 'updated', changed: ['net0'] });
  });

  it('sets only the keys that differ on an existing guest', async () => {
    const { px, wf } = await connect();
    const vm = await wf.guests.find('web-00');
    const before = await px.nodes(vm.node).qemu(vm.vmid).config.get();
    const first = await wf.ensure.guest({
      name: 'web-00',
      node: vm.node,
      config: { memory: Number(before.memory) * 2, cores: Number(before.cores) },
    });
    expect(first).toMatchObject({ action: 'updated', changed: ['memory'] });
    const after = await px.nodes(vm.node).qemu(vm.vmid).config.get();
    expect(Number(after.memory)).toBe(Number(before.memory) * 2);
    const again = await wf.ensure.guest({
      name: 'web-00',
      node: vm.node,
      config: { memory: Number(before.memory) * 2, cores: Number(before.cores) },
    });
    expect(again.action).toBe('unchanged');
  });
});

describe('ensure.user / token / acl (pve-access-control PVE/API2/User.pm, TokenConfig.pm, ACL.pm)', () => {
  it('a user: created, then unchanged; a changed comment is an update of that key only', async () => {
    const { px, wf } = await connect();
    const first = await wf.ensure.user({ userid: 'wf-ci@pve', comment: 'CI runner', password: 'Secret-123' });
    expect(first.action).toBe('created');
    expect(await px.access.users('wf-ci@pve').get()).toMatchObject({ comment: 'CI runner' });
    expect(await wf.ensure.user({ userid: 'wf-ci@pve', comment: 'CI runner' })).toMatchObject({
      action: 'unchanged',
      changed: [],
    });
    expect(await wf.ensure.user({ userid: 'wf-ci@pve', comment: 'CI runner 2' })).toMatchObject({
      action: 'updated',
      changed: ['comment'],
    });
    expect(await px.access.users('wf-ci@pve').get()).toMatchObject({ comment: 'CI runner 2' });
  });

  it('a token: created with its secret once, then unchanged without one', async () => {
    const { px, wf } = await connect();
    await wf.ensure.user({ userid: 'wf-tok@pve' });
    const first = await wf.ensure.token({ userid: 'wf-tok@pve', tokenid: 'deploy', comment: 'deploys' });
    expect(first.action).toBe('created');
    expect(first.value.tokenid).toBe('wf-tok@pve!deploy');
    expect(first.value.secret).toMatch(/^[0-9a-f-]{36}$/);
    expect(await px.access.users('wf-tok@pve').token('deploy').get()).toMatchObject({
      comment: 'deploys',
      privsep: 1,
    });
    const again = await wf.ensure.token({ userid: 'wf-tok@pve', tokenid: 'deploy', comment: 'deploys' });
    expect(again).toMatchObject({ action: 'unchanged', changed: [], value: { secret: undefined } });
  });

  it('an ACL: given to the subjects that lack it, then unchanged', async () => {
    const { px, wf } = await connect();
    await wf.ensure.user({ userid: 'wf-acl@pve' });
    await wf.ensure.token({ userid: 'wf-acl@pve', tokenid: 'ro' });
    const wanted = { path: '/vms', role: 'PVEAuditor', subjects: ['wf-acl@pve', 'wf-acl@pve!ro'] };
    const first = await wf.ensure.acl(wanted);
    expect(first).toMatchObject({ action: 'updated', changed: ['wf-acl@pve', 'wf-acl@pve!ro'] });
    const acl: Array<{ path: string; ugid: string; roleid: string; type: string }> =
      await px.access.acl.get();
    const entries = acl.filter((e) => e.path === '/vms' && e.ugid.startsWith('wf-acl@pve'));
    expect(entries.map((e) => [e.ugid, e.type, e.roleid]).sort()).toEqual([
      ['wf-acl@pve!ro', 'token', 'PVEAuditor'],
      ['wf-acl@pve', 'user', 'PVEAuditor'],
    ]);
    expect(await wf.ensure.acl(wanted)).toMatchObject({ action: 'unchanged', changed: [] });
  });
});

describe('ensure.firewallRule (pve-firewall PVE/API2/Firewall/Rules.pm: a new rule goes on top)', () => {
  // The rule's own `type` (in/out) once filled the route's {type} placeholder: POST /nodes/pve1/in/100/...
  it('adds the rule on a VM once; the second run finds it by its fields', async () => {
    const { px, wf } = await connect();
    const vm = await wf.guests.find('web-00');
    const rule = {
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      dport: '443',
      comment: 'https',
      enable: true,
    } as const;
    const first = await wf.ensure.firewallRule(vm, rule);
    expect(first.action).toBe('created');
    const rules: Array<Record<string, unknown>> = await px.nodes(vm.node).qemu(vm.vmid).firewall.rules.get();
    expect(rules.filter((r) => r.comment === 'https')).toEqual([
      expect.objectContaining({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: 1 }),
    ]);
    const again = await wf.ensure.firewallRule(vm, rule);
    expect(again).toMatchObject({ action: 'unchanged', changed: [] });
    const after: unknown[] = await px.nodes(vm.node).qemu(vm.vmid).firewall.rules.get();
    expect(after).toHaveLength(rules.length);
  });
});
