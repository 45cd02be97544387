/**
 * Refusals are slow on purpose (item 3), by default in startSimulator (and so in
 * `proxmox mock serve`): pve-http-server src/PVE/APIServer/AnyEvent.pm handle_api2_request
 * pads every 401 to 3 s from the request's start; proxmox-rest-server src/rest.rs waits
 * delay_unauth_time (3 s) on a 401 and access_forbidden_time (0.5 s) on the router's 403.
 * The SDK must stay correct under it: one login for concurrent callers, no retry of a
 * refused login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuthenticationError, ProxmoxSDK } from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { login, sessionHeaders, wire } from './helpers.js';

describe('PVE: refusals take 3 s by default', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());

  it('AnyEvent.pm handle_api2_request: a failed login is padded to 3 s', async () => {
    const started = Date.now();
    const res = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'root@pam', password: 'wrong' },
    });
    expect(res.status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  }, 10_000);

  it('AnyEvent.pm authenticate_and_handle_request: an auth-layer 401 waits too, a success does not', async () => {
    const started = Date.now();
    expect((await wire(sim, 'GET', '/nodes')).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    const session = await login(sim, 'root@pam', 'proxmox');
    const quick = Date.now();
    expect((await wire(sim, 'GET', '/nodes', { headers: sessionHeaders(session, false) })).status).toBe(200);
    expect(Date.now() - quick).toBeLessThan(2900);
  }, 15_000);

  it('the SDK logs in once for concurrent callers and does not retry a refused login', async () => {
    const before = sim.engine.stats.loginFailures;
    const px = new ProxmoxSDK({
      host: sim.url,
      fingerprint: sim.fingerprint,
      user: 'root@pam',
      password: 'wrong',
      retries: 0,
    });
    try {
      const results = await Promise.allSettled([px.version.get(), px.nodes.get(), px.cluster.status.get()]);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect(isAuthenticationError((r as PromiseRejectedResult).reason)).toBe(true);
      }
      expect(sim.engine.stats.loginFailures - before).toBe(1);
    } finally {
      await px.close();
    }
  }, 15_000);
});

describe('PBS: 3 s on 401, 0.5 s on the router 403', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ service: 'PBS' });
  });
  afterAll(() => sim.close());

  it('rest.rs access_forbidden_time: the permission refusal waits 0.5 s', async () => {
    const auditor = sim.users.find((u) => u.userid.startsWith('auditor@'))!;
    const session = await login(sim, auditor.userid, auditor.password);
    const started = Date.now();
    const res = await wire(sim, 'POST', '/access/users', {
      headers: sessionHeaders(session),
      params: { userid: 'x@pbs' },
    });
    expect(res.status).toBe(403);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(2900);
  }, 10_000);

  it('rest.rs delay_unauth_time: a 401 waits 3 s; authFailureDelayMs 0 turns it off', async () => {
    const started = Date.now();
    expect((await wire(sim, 'GET', '/version')).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    const fast = await startSimulator({ service: 'PBS', authFailureDelayMs: 0 });
    try {
      const quick = Date.now();
      expect((await wire(fast, 'GET', '/version')).status).toBe(401);
      expect(Date.now() - quick).toBeLessThan(2900);
    } finally {
      await fast.close();
    }
  }, 15_000);
});
