import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SimulatorEngine, startSimulator } from '../../src/simulator/index.js';
import { demoEngine, fails, finish, loginAs, ok } from './engine-helpers.js';
import { login, sessionHeaders, wire } from './helpers.js';

describe('cluster views', () => {
  it('lists nodes, guests, storages, pools and sdn in /cluster/resources, filtered by type', async () => {
    const engine = demoEngine();
    const all = await ok(engine, 'GET', '/cluster/resources');
    const types = new Set(all.map((r: any) => r.type));
    expect([...types].sort()).toEqual(['lxc', 'node', 'pool', 'qemu', 'sdn', 'storage']);
    const vms = await ok(engine, 'GET', '/cluster/resources', { type: 'vm' });
    expect(vms.length).toBe(engine.cluster.guests.size);
    expect(vms[0]).toMatchObject({
      id: `qemu/${vms[0].vmid}`,
      node: expect.any(String),
      status: expect.any(String),
    });
    const status = await ok(engine, 'GET', '/cluster/status');
    expect(status[0]).toMatchObject({ type: 'cluster', name: 'demo', quorate: 1, nodes: 3 });
  });

  it('filters lists by what the caller may see', async () => {
    const engine = demoEngine();
    engine.access.addUser({ userid: 'one@pve', password: 'one-pass' });
    engine.access.grant('/vms/101', 'one@pve', 'PVEVMUser');
    const res = await engine.handle({
      method: 'POST',
      url: '/api2/json/access/ticket',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('username=one%40pve&password=one-pass'),
    });
    const { ticket } = JSON.parse(String(res.body)).data;
    const list = await engine.handle({
      method: 'GET',
      url: '/api2/json/cluster/resources?type=vm',
      headers: { cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` },
    });
    expect(JSON.parse(String(list.body)).data.map((r: any) => r.vmid)).toEqual([101]);
  });

  it('builds /cluster/resources for 100,000 guests', async () => {
    const engine = new SimulatorEngine({ guests: 100_000 });
    const res = await engine.call('GET', '/cluster/resources', { type: 'vm' });
    expect((res.data as unknown[]).length).toBe(100_000);
  });

  it('keeps the empty dataset empty', async () => {
    const engine = new SimulatorEngine({ dataset: 'empty' });
    expect(await ok(engine, 'GET', '/cluster/resources', { type: 'vm' })).toEqual([]);
    expect((await ok(engine, 'GET', '/nodes')).map((n: any) => n.node)).toEqual(['pve1']);
  });
});

describe('storage', () => {
  it('lists storages per node with content, and derives guest disks from configs', async () => {
    const engine = demoEngine();
    const storages = await ok(engine, 'GET', '/nodes/pve1/storage', { content: 'iso' });
    expect(storages.map((s: any) => s.storage).sort()).toEqual(['local', 'shared-nfs']);
    const isos = await ok(engine, 'GET', '/nodes/pve1/storage/local/content', { content: 'iso' });
    expect(isos[0]).toMatchObject({
      volid: 'local:iso/debian-13.1.0-amd64-netinst.iso',
      format: 'iso',
      content: 'iso',
    });
    const disks = await ok(engine, 'GET', '/nodes/pve1/storage/local-lvm/content');
    expect(disks.some((d: any) => d.volid === 'local-lvm:vm-100-disk-0' && d.vmid === 100)).toBe(true);
    const attrs = await ok(
      engine,
      'GET',
      '/nodes/pve1/storage/local/content/local:iso/debian-13.1.0-amd64-netinst.iso',
    );
    expect(attrs).toMatchObject({ format: 'iso', size: 783_286_272 });
  });

  it('downloads from a URL as a task and refuses content the storage does not hold', async () => {
    const engine = demoEngine();
    const refused = await fails(engine, 'POST', '/nodes/pve1/storage/local-lvm/download-url', {
      content: 'iso',
      filename: 'x.iso',
      url: 'https://example.com/x.iso',
    });
    // pve-storage Status.pm download_url: a storage without a path is refused first.
    expect(refused.message?.trim()).toBe("can't upload to storage type 'lvmthin', not a file based storage!");
    const noTemplates = await fails(engine, 'POST', '/nodes/pve1/storage/shared-nfs/download-url', {
      content: 'vztmpl',
      filename: 'x.tar.zst',
      url: 'https://example.com/x.tar.zst',
    });
    expect(noTemplates.message?.trim()).toBe(
      "storage 'shared-nfs' is not configured for content-type 'vztmpl'",
    );
    const upid = await ok(engine, 'POST', '/nodes/pve1/storage/local/download-url', {
      content: 'iso',
      filename: 'x.iso',
      url: 'https://example.com/x.iso',
    });
    expect((await finish(engine, upid)).exitstatus).toBe('OK');
    const isos = await ok(engine, 'GET', '/nodes/pve1/storage/local/content', { content: 'iso' });
    expect(isos.map((v: any) => v.volid)).toContain('local:iso/x.iso');
  });

  it('takes a multipart upload over HTTPS, verifies its checksum in the task and stores the file', async () => {
    const sim = await startSimulator({ taskDurationMs: 10 });
    try {
      const session = await login(sim, 'root@pam', 'proxmox');
      const file = Buffer.from('pretend this is an ISO image\n'.repeat(100));
      const checksum = createHash('sha256').update(file).digest('hex');
      const boundary = '----sim-upload';
      const field = (name: string, value: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const body = Buffer.concat([
        Buffer.from(
          field('content', 'iso') + field('checksum-algorithm', 'sha256') + field('checksum', checksum),
        ),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="tiny.iso"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await wire(sim, 'POST', '/nodes/pve1/storage/local/upload', {
        headers: { ...sessionHeaders(session), 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      expect(res.status).toBe(200);
      expect(res.json.data).toMatch(/^UPID:pve1:.*:imgcopy::root@pam:$/);
      await new Promise((r) => setTimeout(r, 30));
      const status = await wire(sim, 'GET', `/nodes/pve1/tasks/${encodeURIComponent(res.json.data)}/status`, {
        headers: sessionHeaders(session, false),
      });
      expect(status.json.data).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
      const content = await wire(sim, 'GET', '/nodes/pve1/storage/local/content', {
        headers: sessionHeaders(session, false),
        params: { content: 'iso' },
      });
      expect(content.json.data).toContainEqual(
        expect.objectContaining({ volid: 'local:iso/tiny.iso', size: file.length }),
      );
    } finally {
      await sim.close();
    }
  });
});

describe('upload layout', () => {
  it('refuses form fields that come after the file part', async () => {
    const engine = demoEngine();
    const boundary = 'b';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="late.iso"\r\n\r\nDATA\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="content"\r\n\r\niso\r\n--${boundary}--\r\n`,
    );
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const upload = await engine.handle({
      method: 'POST',
      url: '/api2/json/nodes/pve1/storage/local/upload',
      headers: { ...root.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(upload.status).toBe(400);
    expect(JSON.parse(String(upload.body)).errors).toEqual({ content: 'must be sent before the file part' });
  });
});

describe('failing tasks', () => {
  it('ends with the error as exit status and a TASK ERROR log line (upload with a wrong checksum)', async () => {
    const engine = demoEngine();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const b = 'x';
    const body = Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="content"\r\n\r\niso\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="checksum-algorithm"\r\n\r\nsha256\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="checksum"\r\n\r\n${'0'.repeat(64)}\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="filename"; filename="bad.iso"\r\n\r\nDATA\r\n--${b}--\r\n`,
    );
    const res = await engine.handle({
      method: 'POST',
      url: '/api2/json/nodes/pve1/storage/local/upload',
      headers: { ...root.headers, 'content-type': `multipart/form-data; boundary=${b}` },
      body,
    });
    const upid = JSON.parse(String(res.body)).data;
    const status = await finish(engine, upid);
    expect(status.exitstatus).toMatch(/^checksum mismatch/);
    const log = await ok(engine, 'GET', `/nodes/pve1/tasks/${upid}/log`);
    expect(log.at(-1).t).toMatch(/^TASK ERROR: checksum mismatch/);
    expect(await ok(engine, 'GET', '/nodes/pve1/tasks', { errors: '1' })).toHaveLength(1);
  });
});

describe('pools', () => {
  it('creates a pool, moves members, refuses to delete a non-empty one', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/pools', { poolid: 'team', comment: 'Team A' });
    await ok(engine, 'PUT', '/pools', { poolid: 'team', vms: '102', storage: 'local' });
    const moved = await fails(engine, 'PUT', '/pools', { poolid: 'team', vms: '100' });
    expect(moved.message).toMatch(/belongs already to pool/);
    await ok(engine, 'PUT', '/pools', { poolid: 'team', vms: '100', 'allow-move': '1' });
    const team = await ok(engine, 'GET', '/pools', { poolid: 'team' });
    expect(team[0].members.map((m: any) => m.id).sort()).toEqual(
      ['qemu/100', 'qemu/102', 'storage/pve1/local', 'storage/pve2/local', 'storage/pve3/local'].sort(),
    );
    const notEmpty = await fails(engine, 'DELETE', '/pools', { poolid: 'team' });
    expect(notEmpty.message).toMatch(/not empty/);
  });
});
