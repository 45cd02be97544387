/**
 * Under faults (issue 9), with CI-sized counts; `npm run reliability` runs 10,000 requests.
 * 5% injected 502/503, 2% resets after the server did the work, random latency, 64 at a time.
 */
import { describe, expect, it } from 'vitest';
import { runClockJump } from '../../reliability/scenarios/clock-jump.js';
import { runLoad } from '../../reliability/scenarios/load.js';
import { runRestart } from '../../reliability/scenarios/restart.js';

const FAULTS = { share502: 0.025, share503: 0.025, shareReset: 0.02, latencyMs: 10, seed: 20261123 };
const TYPED = new Set(['PROXMOX_CONNECTION', 'PROXMOX_RESOURCE']);

describe('requests under injected faults', () => {
  it('every GET succeeds through retries and no POST reaches the server twice', async () => {
    const f = await runLoad({
      requests: 400,
      concurrency: 64,
      faults: FAULTS,
      retries: 5,
      auth: 'ticket',
      postShare: 0.1,
      loginBeforeFaults: true,
    });
    expect(f.injected.status502 + f.injected.status503 + f.injected.resets).toBeGreaterThan(0);
    expect(f.getFailures).toEqual({});
    expect(f.getsOk).toBe(f.gets);
    // Each POST arrived exactly once: never repeated, whatever happened to its answer.
    expect(f.postArrivals).toBe(f.posts);
    expect(f.postRepeats).toBe(0);
    // A POST that met a fault fails with a typed error; it is the caller's call whether to repeat it.
    for (const code of Object.keys(f.postFailures)) expect(TYPED).toContain(code);
    expect(f.logins).toBe(1);
  });
});

describe('server restart mid-run', () => {
  it('in-flight requests end with ConnectionError or succeed; later ones succeed without a new login', async () => {
    const f = await runRestart({ inFlight: 16, after: 32, downtimeMs: 1000 });
    expect(Object.keys(f.inFlightFailures).every((code) => code === 'PROXMOX_CONNECTION')).toBe(true);
    expect(f.inFlightOk + (f.inFlightFailures.PROXMOX_CONNECTION ?? 0)).toBe(f.inFlight);
    expect(f.inFlightFailures.PROXMOX_CONNECTION).toBeGreaterThan(0);
    expect(Object.keys(f.duringFailures).every((code) => code === 'PROXMOX_CONNECTION')).toBe(true);
    expect(f.afterOk).toBe(f.after);
    expect(f.postRepeats).toBe(0);
    expect(f.newLogins).toBe(0);
  });
});

describe('clock jump past ticket expiry mid-run', () => {
  it('no request fails and one new login serves all of them', async () => {
    const f = await runClockJump({ requests: 300, concurrency: 64, jumpAfter: 100 });
    expect(f.failures).toEqual({});
    expect(f.ok).toBe(f.requests);
    expect(f.loginsAfterJump + f.renewalsAfterJump).toBe(1);
  });
});
