import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { login, sessionHeaders, wire } from './helpers.js';

describe('fault injection over HTTPS', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ authFailureDelayMs: 0 });
  });
  afterAll(() => sim.close());

  it('is off by default', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    for (let i = 0; i < 5; i++)
      expect((await wire(sim, 'GET', '/version', { headers: sessionHeaders(session, false) })).status).toBe(
        200,
      );
    expect(Object.values(sim.engine.stats.faults).every((n) => n === 0)).toBe(true);
  });

  it('answers a share of requests with 502 or 503 (with Retry-After), and leaves logins alone', async () => {
    sim.engine.setFaults({ share502: 0.5, share503: 0.5, seed: 7 });
    try {
      const session = await login(sim, 'root@pam', 'proxmox');
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await wire(sim, 'GET', '/version', { headers: sessionHeaders(session, false) });
        statuses.push(res.status);
        if (res.status === 503) expect(res.headers['retry-after']).toBe('1');
        expect(res.headers.connection).toBe('close');
      }
      expect(new Set(statuses)).toEqual(new Set([502, 503]));
      const { status502, status503 } = sim.engine.stats.faults;
      expect(status502 + status503).toBe(10);
    } finally {
      sim.engine.setFaults();
    }
  });

  it('resets connections without an answer', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    sim.engine.setFaults({ shareReset: 1 });
    try {
      await expect(
        wire(sim, 'GET', '/version', { headers: sessionHeaders(session, false) }),
      ).rejects.toThrow();
      expect(sim.engine.stats.faults.resets).toBeGreaterThan(0);
    } finally {
      sim.engine.setFaults();
    }
  });

  it('writes slow bodies that still arrive whole, and counts added latency', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    sim.engine.setFaults({ shareSlowBody: 1, slowBodyDelayMs: 5, latencyMs: 1 });
    try {
      const res = await wire(sim, 'GET', '/nodes', { headers: sessionHeaders(session, false) });
      expect(res.status).toBe(200);
      expect(res.json.data).toHaveLength(3);
      expect(sim.engine.stats.faults.slowBodies).toBe(1);
      expect(sim.engine.stats.faults.latency).toBe(1);
    } finally {
      sim.engine.setFaults();
    }
  });

  it('jumps the clock past ticket expiry after a number of requests', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    sim.engine.setFaults({ clockJump: { afterRequests: 2, ms: 3 * 3600_000 } });
    try {
      const headers = sessionHeaders(session, false);
      expect((await wire(sim, 'GET', '/version', { headers })).status).toBe(200);
      expect((await wire(sim, 'GET', '/version', { headers })).status).toBe(200);
      const expired = await wire(sim, 'GET', '/version', { headers });
      expect(expired.status).toBe(401);
      expect(sim.engine.stats.faults.clockJumps).toBe(1);
      expect((await login(sim, 'root@pam', 'proxmox')).ticket).toMatch(/^PVE:root@pam:/);
    } finally {
      sim.engine.setFaults();
    }
  });
});
