/**
 * A TOTP step logs in once: proxmox-tfa/src/api/mod.rs TfaUserData::verify_totp, with
 * `enable_lockout` on as PVE (proxmox-perl-rs pve-rs/src/bindings/tfa.rs), PMG (pmg-rs/src/tfa.rs)
 * and PBS (proxmox-backup src/config/tfa.rs) all set it, refuses a code whose step is not newer
 * than the entry's `last_count` ("rejecting reused TOTP value"); Totp::verify (totp.rs) tries
 * the steps -1..=1. Failures count in totp_failures; TfaConfig::verify locks TOTP at
 * totp_failure_limit (8) and verify_recovery unlocks it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffsetClock } from '../../src/simulator/engine/clock.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { login, sessionHeaders, wire } from './helpers.js';
import { codeAt, recoveryKeys, simAt, T0, tfaUser, twoStep } from './tfa-helpers.js';

describe('TOTP reuse (proxmox-tfa api/mod.rs verify_totp, lockout enabled)', () => {
  let sim: RunningSimulator;
  let clock: OffsetClock;
  beforeAll(async () => {
    ({ sim, clock } = await simAt('PVE'));
  });
  afterAll(() => sim.close());

  it('PVE: a code logs in once; the same code again is 401 authentication failure', async () => {
    expect((await twoStep(sim, codeAt(sim, T0))).status).toBe(200);
    const again = await twoStep(sim, codeAt(sim, T0));
    expect(again.status).toBe(401);
    expect(again.text).not.toContain(codeAt(sim, T0).slice(5));
  });

  it('the next step is accepted within the window (-1..=1), a step older than the last is refused', async () => {
    expect((await twoStep(sim, codeAt(sim, T0 + 30_000))).status).toBe(200);
    // Inside the window, but not newer than last_count.
    expect((await twoStep(sim, codeAt(sim, T0 - 30_000))).status).toBe(401);
    // Two steps ahead is outside the window.
    expect((await twoStep(sim, codeAt(sim, T0 + 60_000))).status).toBe(401);
    // Once the clock reaches it, the step after the last accepted one logs in.
    clock.advance(30_000);
    expect((await twoStep(sim, codeAt(sim, T0 + 60_000))).status).toBe(200);
  });

  it('8 TOTP failures in a row lock TOTP (totp_failure_limit), a recovery key unlocks it (verify_recovery)', async () => {
    clock.advance(30_000);
    const now = T0 + 90_000;
    for (let i = 0; i < 8; i++) expect((await twoStep(sim, 'totp:000000')).status).toBe(401);
    const root = await login(sim, 'root@pam', 'proxmox');
    const status = async () => {
      const res = await wire(sim, 'GET', '/access/tfa', { headers: sessionHeaders(root, false) });
      return res.json.data.find((e: { userid: string }) => e.userid === tfaUser(sim).userid)['totp-locked'];
    };
    expect(await status()).toBe(1);
    // Locked: even the right, unused code is refused.
    expect((await twoStep(sim, codeAt(sim, now))).status).toBe(401);
    const recovery = recoveryKeys(sim)[0]!;
    expect((await twoStep(sim, `recovery:${recovery}`)).status).toBe(200);
    // TfaUser skips a false totp_locked.
    expect(await status()).toBeUndefined();
    expect((await twoStep(sim, codeAt(sim, now))).status).toBe(200);
  });
});

describe('PBS refuses a reused code too (proxmox-backup src/config/tfa.rs enable_lockout)', () => {
  it('the second use is 401 permission check failed.', async () => {
    const { sim } = await simAt('PBS');
    try {
      expect((await twoStep(sim, codeAt(sim, T0))).status).toBe(200);
      const again = await twoStep(sim, codeAt(sim, T0));
      expect(again.status).toBe(401);
      expect(again.text).toContain('permission check failed.');
    } finally {
      await sim.close();
    }
  });
});
