/**
 * Answers are compressed as each server does it (issue 14.6), over real TLS:
 * pve-http-server src/PVE/APIServer/AnyEvent.pm `response` (gzip, else deflate, only over
 * 1024 bytes, `compression //= 1`) and proxmox-rs proxmox-rest-server src/rest.rs
 * `handle_api_request` / `extract_compression_method` (deflate only, every answer).
 * Clients that accept compression (proxmoxer's requests, fetch) must get it; ours asks for none.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxmoxSDK } from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { agentFor, login, sessionHeaders } from './helpers.js';

async function raw(sim: RunningSimulator, path: string, headers: Record<string, string>) {
  const res = await request(`${sim.url}/api2/json${path}`, { headers, dispatcher: agentFor(sim) });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, encoding: res.headers['content-encoding'], body };
}

describe('PVE: pveproxy compression', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ authFailureDelayMs: 0 });
  });
  afterAll(() => sim.close());

  it('AnyEvent.pm response: a large answer is gzipped when gzip is accepted, deflated when only deflate is', async () => {
    const auth = sessionHeaders(await login(sim, 'root@pam', 'proxmox'), false);
    const plain = await raw(sim, '/cluster/resources', auth);
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const gz = await raw(sim, '/cluster/resources', { ...auth, 'accept-encoding': 'gzip, deflate' });
    expect(gz.encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    const df = await raw(sim, '/cluster/resources', { ...auth, 'accept-encoding': 'deflate' });
    expect(df.encoding).toBe('deflate');
    expect(JSON.parse(inflateSync(df.body).toString())).toEqual(JSON.parse(plain.body.toString()));
  });

  it('AnyEvent.pm response: 1024 bytes or less stay plain', async () => {
    const auth = sessionHeaders(await login(sim, 'root@pam', 'proxmox'), false);
    const small = await raw(sim, '/version', { ...auth, 'accept-encoding': 'gzip' });
    expect(small.body.length).toBeLessThanOrEqual(1024);
    expect(small.encoding).toBeUndefined();
    expect(JSON.parse(small.body.toString()).data.version).toBeTruthy();
  });

  it('the SDK reads large answers from a compressing server', async () => {
    await using px = new ProxmoxSDK({
      host: sim.url,
      fingerprint: sim.fingerprint,
      user: 'root@pam',
      password: 'proxmox',
    });
    const resources = await px.cluster.resources.get();
    expect(resources.length).toBeGreaterThan(3);
  });

  it('COMPRESSION=0: compression: false sends plain answers', async () => {
    const off = await startSimulator({ authFailureDelayMs: 0, compression: false });
    try {
      const auth = sessionHeaders(await login(off, 'root@pam', 'proxmox'), false);
      const res = await raw(off, '/cluster/resources', { ...auth, 'accept-encoding': 'gzip' });
      expect(res.encoding).toBeUndefined();
      expect(JSON.parse(res.body.toString()).data.length).toBeGreaterThan(3);
    } finally {
      await off.close();
    }
  });
});

describe('PBS: proxmox-backup-proxy compression', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ service: 'PBS', authFailureDelayMs: 0 });
  });
  afterAll(() => sim.close());

  it('rest.rs extract_compression_method: deflate for any size, gzip is not spoken', async () => {
    const auth = sessionHeaders(await login(sim, 'root@pam', 'proxmox'), false);
    const df = await raw(sim, '/version', { ...auth, 'accept-encoding': 'gzip, deflate' });
    expect(df.encoding).toBe('deflate');
    expect(JSON.parse(inflateSync(df.body).toString()).data.version).toBeTruthy();
    const gz = await raw(sim, '/version', { ...auth, 'accept-encoding': 'gzip' });
    expect(gz.encoding).toBeUndefined();
  });
});
