/**
 * The second-factor failure limits: proxmox-tfa/src/api/mod.rs TfaConfig::verify counts every
 * failed answer in tfa_failures and, at tfa_failure_limit (100), sets tfa_locked_until to now
 * + tfa_failure_lock_time (3600 s); while tfa_is_locked every answer, a recovery key too, is
 * TfaResult::Locked (refused, counted nowhere). TOTP locks at 8 on its own (totp_locked).
 * Both show in `GET /access/tfa` (methods.rs list_tfa, types.rs TfaUser) and `GET
 * /access/users` (pve-access-control src/PVE/API2/User.pm index via pve-rs tfa_lock_status;
 * proxmox-backup src/api2/access/user.rs new_user_with_tokens), and `PUT
 * /access/users/{userid}/unlock-tfa` (User.pm unlock_tfa; user.rs unlock_tfa;
 * methods::unlock_and_reset_tfa) clears them and answers whether the user was locked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffsetClock } from '../../src/simulator/engine/clock.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { login, type Session, sessionHeaders, wire } from './helpers.js';
import { codeAt, recoveryKeys, simAt, T0, tfaUser, twoStep } from './tfa-helpers.js';

type Entry = Record<string, unknown> & { userid: string };

async function lockState(sim: RunningSimulator, root: Session, path: '/access/tfa' | '/access/users') {
  const res = await wire(sim, 'GET', path, { headers: sessionHeaders(root, false) });
  expect(res.status).toBe(200);
  const entry = (res.json.data as Entry[]).find((e) => e.userid === tfaUser(sim).userid)!;
  return { totp: entry['totp-locked'], until: entry['tfa-locked-until'] };
}

const unlock = (sim: RunningSimulator, root: Session, userid: string) =>
  wire(sim, 'PUT', `/access/users/${encodeURIComponent(userid)}/unlock-tfa`, {
    headers: sessionHeaders(root),
  });

async function fail(sim: RunningSimulator, times: number, answer: string): Promise<void> {
  for (let i = 0; i < times; i++) expect((await twoStep(sim, answer)).status).toBe(401);
}

describe('PVE: TfaConfig::verify failure limits (proxmox-tfa api/mod.rs)', () => {
  let sim: RunningSimulator;
  let clock: OffsetClock;
  let root: Session;
  beforeAll(async () => {
    ({ sim, clock } = await simAt('PVE'));
    root = await login(sim, 'root@pam', 'proxmox');
  });
  afterAll(() => sim.close());

  it('a success resets tfa_failures: 99 failures, a login, then one more failure do not block', async () => {
    await fail(sim, 99, 'recovery:0000-0000-0000-0000');
    expect((await twoStep(sim, codeAt(sim, T0))).status).toBe(200);
    await fail(sim, 1, 'recovery:0000-0000-0000-0000');
    expect((await lockState(sim, root, '/access/tfa')).until).toBeUndefined();
    expect((await unlock(sim, root, tfaUser(sim).userid)).json.data).toBe(0);
  });

  it('the 100th failure in a row blocks every factor for 3600 s; locked answers count nowhere', async () => {
    // 8 TOTP failures lock TOTP (TfaUserData totp_locked) and count as tfa failures too.
    await fail(sim, 8, 'totp:000000');
    expect(await lockState(sim, root, '/access/tfa')).toEqual({ totp: 1, until: undefined });
    // TOTP answers while TOTP is locked are TfaResult::Locked: not counted.
    await fail(sim, 30, 'totp:000000');
    await fail(sim, 91, 'recovery:0000-0000-0000-0000');
    expect((await lockState(sim, root, '/access/tfa')).until).toBeUndefined();
    const lockedAt = Math.floor(clock.now() / 1000);
    await fail(sim, 1, 'recovery:0000-0000-0000-0000');
    const until = lockedAt + 3600;
    expect(await lockState(sim, root, '/access/tfa')).toEqual({ totp: 1, until });
    expect(await lockState(sim, root, '/access/users')).toEqual({ totp: 1, until });
    // tfa_is_locked comes before every kind: a good recovery key is refused and kept.
    const key = recoveryKeys(sim)[1]!;
    const refused = await twoStep(sim, `recovery:${key}`);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('authentication failure');
    // An hour later the block is over; the key still works and clears the TOTP lock.
    clock.advance(3600_000);
    expect((await lockState(sim, root, '/access/tfa')).until).toBeUndefined();
    expect((await twoStep(sim, `recovery:${key}`)).status).toBe(200);
    expect(await lockState(sim, root, '/access/users')).toEqual({ totp: undefined, until: undefined });
  });

  it('unlock-tfa clears a TOTP lock and a block, answers 1 when locked and 0 when not (unlock_and_reset_tfa)', async () => {
    clock.advance(30_000);
    await fail(sim, 8, 'totp:000000');
    expect((await twoStep(sim, codeAt(sim, clock.now()))).status).toBe(401);
    const res = await unlock(sim, root, tfaUser(sim).userid);
    expect(res.status).toBe(200);
    expect(res.json.data).toBe(1);
    expect(await lockState(sim, root, '/access/tfa')).toEqual({ totp: undefined, until: undefined });
    expect((await twoStep(sim, codeAt(sim, clock.now()))).status).toBe(200);
    expect((await unlock(sim, root, tfaUser(sim).userid)).json.data).toBe(0);
  });

  it('unlock-tfa of a user the TFA config lacks: 500 no such user (a Rust error through pve-rs)', async () => {
    const res = await unlock(sim, root, 'root@pam');
    expect(res.status).toBe(500);
    expect(res.json.message).toContain('no such user');
  });
});

describe('PBS: the same limits, booleans as JSON (proxmox-backup src/api2/access/user.rs unlock_tfa)', () => {
  it('TOTP lock shows as true in the users list, unlock-tfa answers true, a user without TFA is 400', async () => {
    const { sim } = await simAt('PBS');
    try {
      const root = await login(sim, 'root@pam', 'proxmox');
      await fail(sim, 8, 'totp:000000');
      expect(await lockState(sim, root, '/access/users')).toEqual({ totp: true, until: undefined });
      const res = await unlock(sim, root, tfaUser(sim).userid);
      expect(res.status).toBe(200);
      expect(res.json.data).toBe(true);
      expect(await lockState(sim, root, '/access/users')).toEqual({ totp: undefined, until: undefined });
      expect((await twoStep(sim, codeAt(sim, T0))).status).toBe(200);
      const none = await unlock(sim, root, 'root@pam');
      expect(none.status).toBe(400);
      expect(none.text).toContain('no such user');
    } finally {
      await sim.close();
    }
  });
});
