import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, SimulatorEngine, startSimulator } from '../../src/simulator/index.js';
import { login, sessionHeaders, wire } from './helpers.js';

describe('the wire: envelope, errors, bodies, TLS', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ authFailureDelayMs: 0 });
  });
  afterAll(() => sim.close());

  it('binds 127.0.0.1 with a self-signed certificate whose fingerprint it reports', async () => {
    expect(sim.host).toBe('127.0.0.1');
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`);
    expect(sim.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const peer = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: sim.port, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().raw);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(new X509Certificate(peer).fingerprint256).toBe(sim.fingerprint);
  });

  it('refuses the certificate when it is not trusted', async () => {
    const { request } = await import('undici');
    await expect(request(`${sim.url}/api2/json/version`)).rejects.toThrow();
  });

  it('wraps answers in {data}', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    const res = await wire(sim, 'GET', '/version', { headers: sessionHeaders(session, false) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.json)).toEqual(['data']);
    expect(res.json.data.version).toMatch(/^\d+\.\d+/);
  });

  it('answers 501 to a body on GET or DELETE and to a chunked body', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    const get = await wire(sim, 'GET', '/version', { headers: sessionHeaders(session, false), body: 'a=1' });
    expect(get.status).toBe(501);
    expect(get.headers.connection).toBe('close');
    const del = await wire(sim, 'DELETE', '/nodes/pve1/qemu/100', {
      headers: sessionHeaders(session),
      body: 'a=1',
    });
    expect(del.status).toBe(501);
    const chunked = await wire(sim, 'POST', '/nodes/pve1/qemu', {
      headers: { ...sessionHeaders(session), 'content-type': 'application/x-www-form-urlencoded' },
      body: (async function* () {
        yield Buffer.from('vmid=4100');
      })() as unknown as Buffer,
    });
    expect(chunked.status).toBe(501);
  });

  it('answers 501 with the method and path for unknown paths', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    const res = await wire(sim, 'GET', '/nodes/pve1/no-such-thing', {
      headers: sessionHeaders(session, false),
    });
    expect(res.status).toBe(501);
    expect(res.statusText).toBe("Method 'GET /nodes/pve1/no-such-thing' not implemented");
  });

  it('takes JSON bodies as well as forms, and lets the query win over the body', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    const json = await wire(sim, 'POST', '/nodes/pve1/qemu', {
      headers: { ...sessionHeaders(session), 'content-type': 'application/json' },
      body: JSON.stringify({ vmid: 4200, name: 'json-vm', start: true }),
    });
    expect(json.status).toBe(200);
    expect(json.json.data).toContain(':qmcreate:4200:');
  });
});

describe('SimulatorEngine in process', () => {
  it('handles fully encoded requests with auth exactly as over HTTPS', async () => {
    const engine = new SimulatorEngine({ taskDurationMs: 10 });
    const login = await engine.handle({
      method: 'POST',
      url: '/api2/json/access/ticket',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('username=root%40pam&password=proxmox'),
    });
    expect(login.status).toBe(200);
    const { ticket } = JSON.parse(String(login.body)).data;
    const nodes = await engine.handle({
      method: 'GET',
      url: '/api2/json/nodes',
      headers: { cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` },
    });
    expect(JSON.parse(String(nodes.body)).data.map((n: { node: string }) => n.node)).toEqual([
      'pve1',
      'pve2',
      'pve3',
    ]);
    const anonymous = await engine.handle({ method: 'GET', url: '/api2/json/nodes', headers: {} });
    expect(anonymous.status).toBe(401);
    expect(anonymous.closeConnection).toBe(true);
  });

  it('call() runs as root on the host, like pvesh', async () => {
    const engine = new SimulatorEngine({ taskDurationMs: 0 });
    const created = await engine.call('POST', '/nodes/pve2/qemu', { vmid: '5000', name: 'from-shell' });
    expect(created.status).toBe(200);
    expect(String(created.data)).toMatch(/^UPID:pve2:/);
    const list = await engine.call('GET', '/nodes/pve2/qemu', {});
    expect((list.data as { vmid: number }[]).some((g) => g.vmid === 5000)).toBe(true);
    const dup = await engine.call('POST', '/nodes/pve1/qemu', { vmid: '5000' });
    expect(dup.status).toBe(500);
    expect(dup.message).toMatch(/already exists on node 'pve2'/);
  });
});

describe('parameter names', () => {
  it('treats names like Object.prototype members as plain data', async () => {
    const { parseRequest } = await import('../../src/simulator/engine/parse-request.js');
    for (const name of ['valueOf', 'constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const parsed = parseRequest({
        method: 'POST',
        url: '/api2/json/cluster/options',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(`${encodeURIComponent(name)}=v`),
      });
      expect(Object.getOwnPropertyDescriptor(parsed.params, name)?.value).toBe('v');
      const engine = new SimulatorEngine();
      const result = await engine.call('PUT', '/cluster/options', { [name]: 'v' });
      expect(result.status).toBe(400);
      expect(Object.keys(result.errors ?? {})).toEqual([name]);
    }
  });
});
