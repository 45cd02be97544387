/** The in-process backend: the simulator engine without sockets, same auth and envelopes. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ProxmoxSDK, ResourceException } from '../../src/index.js';
import { SimulatorEngine } from '../../src/simulator/index.js';

describe('backend mock', () => {
  it('logs in with a password and runs the same calls as over HTTPS', async () => {
    await using px = await ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
    const nodes = await px.nodes.get();
    expect(nodes.length).toBeGreaterThan(0);
    const upid = await px.nodes('pve1').qemu.post({ vmid: 777, name: 'mock-vm', memory: 256 });
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:777:root@pam:$/);
  });

  it('refuses a wrong password like the server does', async () => {
    await expect(
      ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'nope-nope' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('gives each client its own state unless an engine is shared', async () => {
    await using a = await ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
    await using b = await ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
    await a.nodes('pve1').qemu.post({ vmid: 778, name: 'only-in-a', memory: 256 });
    await expect(b.nodes('pve1').qemu(778).config.get()).rejects.toBeInstanceOf(ResourceException);

    const engine = new SimulatorEngine({ service: 'PVE' });
    await using c = await ProxmoxSDK.connect({
      backend: 'mock',
      engine,
      user: 'root@pam',
      password: 'proxmox',
    });
    await using d = await ProxmoxSDK.connect({
      backend: 'mock',
      engine,
      user: 'root@pam',
      password: 'proxmox',
    });
    await c.nodes('pve1').qemu.post({ vmid: 779, name: 'shared', memory: 256 });
    expect(await d.nodes('pve1').qemu(779).config.get()).toMatchObject({ name: 'shared' });
  });

  it('works for PBS with its token header form', async () => {
    const engine = new SimulatorEngine({ service: 'PBS' });
    const user = engine.accounts.find((a) => a.tokens.length > 0)!;
    const token = user.tokens.find((t) => !t.privsep)!;
    await using px = await ProxmoxSDK.connect({
      backend: 'mock',
      service: 'pbs',
      engine,
      user: user.userid,
      tokenName: token.tokenid,
      tokenValue: token.value,
    });
    expect(await px.version.get()).toHaveProperty('version');
  });

  it('returns the whole envelope on request', async () => {
    await using px = await ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
    const envelope = await px.nodes.get(undefined, { envelope: true });
    expect(envelope).toHaveProperty('data');
    expect(Array.isArray(envelope.data)).toBe(true);
  });

  it('sends JSON bodies when bodyEncoding is json', async () => {
    await using px = await ProxmoxSDK.connect({
      backend: 'mock',
      user: 'root@pam',
      password: 'proxmox',
      bodyEncoding: 'json',
    });
    await px.nodes('pve1').qemu.post({ vmid: 780, name: 'json-body', memory: 256, start: false });
    const config = await px.nodes('pve1').qemu(780).config.get();
    expect(config.name).toBe('json-body');
    expect(Number(config.memory)).toBe(256);
  });

  it('with validate: true, refuses bad parameters before sending, with the errors map the server gives', async () => {
    const engine = new SimulatorEngine({ service: 'PVE' });
    await using px = await ProxmoxSDK.connect({
      backend: 'mock',
      engine,
      user: 'root@pam',
      password: 'proxmox',
      validate: true,
    });
    const before = engine.stats.requests;
    const error = await px
      .nodes('pve1')
      .qemu.post({ vmid: 'abc', memory: 256, bogus: 1 } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceException);
    expect((error as ResourceException).statusCode).toBe(400);
    expect(Object.keys((error as ResourceException).errors ?? {}).sort()).toEqual(['bogus', 'vmid']);
    expect(engine.stats.requests).toBe(before);
    await expect(px.nodes('pve1').qemu.post({ vmid: 781, memory: 256 })).resolves.toMatch(/^UPID:/);
  });

  it('waits for the task of a call with wait: true, and rejects when the task fails', async () => {
    await using px = await ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
    const created = await px
      .nodes('pve1')
      .qemu.post({ vmid: 782, name: 'waited', memory: 256 }, { wait: true });
    expect(created.exitstatus).toBe('OK');
    await px.nodes('pve1').qemu(782).status.start.post({}, { wait: true });
    expect((await px.nodes('pve1').qemu(782).status.current.get()).status).toBe('running');
    await expect(px.nodes('pve1').qemu(782).status.start.post({}, { wait: true })).rejects.toMatchObject({
      code: expect.stringMatching(/PROXMOX_(TASK_FAILED|RESOURCE)/),
    });
  });

  it('uploads a file to storage and waits for the copy task', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pxsdk-mock-'));
    const file = join(dir, 'tiny.iso');
    await writeFile(file, Buffer.alloc(100_000, 7));
    try {
      await using px = await ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
      const result = await px.files.upload({
        node: 'pve1',
        storage: 'local',
        content: 'iso',
        file,
        checksum: 'sha256',
      });
      expect(result.volid).toBe('local:iso/tiny.iso');
      expect(result.task?.exitstatus).toBe('OK');
      const content = await px.nodes('pve1').storage('local').content.get({ content: 'iso' });
      expect(content.map((c: { volid: string }) => c.volid)).toContain('local:iso/tiny.iso');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('logs in to PDM, whose ticket comes as an HttpOnly cookie with ticket-info in the body', async () => {
    await using px = await ProxmoxSDK.connect({
      backend: 'mock',
      service: 'PDM',
      user: 'root@pam',
      password: 'proxmox',
    });
    expect(await px.version.get()).toHaveProperty('version');
    await using tfa = await ProxmoxSDK.connect({
      backend: 'mock',
      service: 'PDM',
      user: 'tfa@pdm',
      password: 'two-factor',
      totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    });
    expect(await tfa.version.get()).toHaveProperty('version');
  });

  it('logs in to PBS with a password and with two-factor (no new-format parameter there)', async () => {
    await using px = await ProxmoxSDK.connect({
      backend: 'mock',
      service: 'PBS',
      user: 'root@pam',
      password: 'proxmox',
    });
    expect(await px.version.get()).toHaveProperty('version');
    await using tfa = await ProxmoxSDK.connect({
      backend: 'mock',
      service: 'PBS',
      user: 'tfa@pbs',
      password: 'two-factor',
      totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    });
    expect(await tfa.version.get()).toHaveProperty('version');
  });

  it('logs in to PMG with a password, and a quarantine user without realm', async () => {
    await using px = await ProxmoxSDK.connect({
      backend: 'mock',
      service: 'PMG',
      user: 'root@pam',
      password: 'proxmox',
    });
    expect(await px.version.get()).toHaveProperty('version');
    await using quarantine = await ProxmoxSDK.connect({
      backend: 'mock',
      service: 'PMG',
      user: 'alice@example.com',
      realm: 'quarantine',
      password: 'alice-quarantine',
    });
    expect(quarantine.service).toBe('PMG');
    await quarantine.login();
  });
});
