/**
 * Codes made from totpSecret against a server that takes each TOTP step once
 * (proxmox-tfa/src/api/mod.rs verify_totp, lockout on in PVE, PMG and PBS): this process never
 * sends a step twice for one secret and user, and a refused generated code is retried once
 * with the next step's (another process may have spent the current one).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, useTotpStepLog } from '../../src/auth/tfa.js';
import { totp } from '../../src/auth/totp.js';
import { AbortError, AuthenticationError, ProxmoxSDK } from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

const step = (ms: number) => Math.floor(ms / 30_000);

function withoutSecret<T extends { totpSecret: string }>(o: T): Omit<T, 'totpSecret'> {
  const { totpSecret: _, ...rest } = o;
  return rest;
}

describe('totpCode: one step per secret and user in a process', () => {
  const secret = 'JBSWY3DPEHPK3PXP';
  it('gives the current step, then the next, then waits for the next step to become current', async () => {
    // 20 ms before a step ends.
    let now = 1_800_000_029_980;
    const clock = () => now;
    const c = step(now);
    expect(await totpCode(secret, 'a@pve', undefined, clock)).toBe(totp(secret, c * 30_000));
    expect(await totpCode(secret, 'a@pve', undefined, clock)).toBe(totp(secret, (c + 1) * 30_000));
    const third = totpCode(secret, 'a@pve', undefined, () => now);
    now += 20; // the wait is for the wall clock; the fake clock moves with it
    expect(await third).toBe(totp(secret, (c + 2) * 30_000));
    // Another user with the same secret has its own steps.
    expect(await totpCode(secret, 'b@pve', undefined, clock)).toBe(totp(secret, now));
  });

  it('a wait for the next step stops when the signal aborts', async () => {
    const now = () => 1_900_000_000_000;
    await totpCode(secret, 'c@pve', undefined, now);
    await totpCode(secret, 'c@pve', undefined, now);
    const controller = new AbortController();
    const waiting = totpCode(secret, 'c@pve', controller.signal, now);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
  });
});

describe('totpCode with a step log (the CLI keeps one across its runs)', () => {
  const secret = 'JBSWY3DPEHPK3PXP';
  afterEach(() => useTotpStepLog(undefined));

  function memoryLog(start: number | undefined) {
    const seen = { last: start, waits: [] as number[] };
    useTotpStepLog({
      last: () => seen.last,
      sent: (_user, step) => {
        seen.last = step;
      },
      waiting: (_user, ms) => seen.waits.push(ms),
    });
    return seen;
  }

  it('skips the steps another process sent, records its own, and says how long it waits', async () => {
    let now = 2_000_000_009_980; // 20 ms before a step ends
    const c = step(now);
    // Another run sent this step and the next: this one must wait for c + 1 to become current.
    const log = memoryLog(c + 1);
    const code = totpCode(secret, 'log@pve', undefined, () => now);
    now = (c + 1) * 30_000; // the wait is for the wall clock; the fake clock moves with it
    await expect(code).resolves.toBe(totp(secret, (c + 2) * 30_000));
    expect(log.waits).toEqual([20]);
    expect(log.last).toBe(c + 2);
  });

  it('a remembered step beyond the next one (a clock set back) is ignored: no wait', async () => {
    const now = () => 2_100_000_000_000;
    const log = memoryLog(step(now()) + 50);
    expect(await totpCode(secret, 'back@pve', undefined, now)).toBe(totp(secret, now()));
    expect(log.waits).toEqual([]);
    expect(log.last).toBe(step(now()));
  });
});

describe('logins with totpSecret against a simulator that refuses a reused step', () => {
  let pve: RunningSimulator;
  let pbs: RunningSimulator;
  beforeAll(async () => {
    pve = await startSimulator({ service: 'PVE', authFailureDelayMs: 0 });
    pbs = await startSimulator({ service: 'PBS', authFailureDelayMs: 0 });
  });
  afterAll(async () => {
    await pve.close();
    await pbs.close();
  });
  const options = (sim: RunningSimulator, totpSecret?: string) => {
    const user = sim.users.find((u) => u.userid.startsWith('tfa@'))!;
    return {
      host: `${sim.host}:${sim.port}`,
      fingerprint: sim.fingerprint,
      service: sim.service,
      user: user.userid,
      password: user.password,
      totpSecret: totpSecret ?? user.totpSecret!,
    };
  };

  it('two clients of one profile in one process log in within one 30 s window', async () => {
    await using first = await ProxmoxSDK.connect(options(pve));
    await using second = await ProxmoxSDK.connect(options(pve));
    expect(await first.version.get()).toHaveProperty('version');
    expect(await second.version.get()).toHaveProperty('version');
    expect(pve.engine.stats.logins).toBe(2);
  });

  it('a step spent by another process: refused once, then the next step logs in', async () => {
    const o = options(pbs);
    const before = Date.now();
    // Another process logs in with the current step's code.
    await using other = await ProxmoxSDK.connect({ ...withoutSecret(o), otp: totp(o.totpSecret) });
    const challenges = pbs.engine.stats.tfaChallenges;
    await using px = await ProxmoxSDK.connect(o);
    expect(await px.version.get()).toHaveProperty('version');
    // Within one step the first code was the spent one: two challenges, one retry.
    if (step(Date.now()) === step(before)) expect(pbs.engine.stats.tfaChallenges - challenges).toBe(2);
    expect(other).toBeDefined();
  });

  it('a wrong secret fails after exactly one retry, with no code in the error', async () => {
    const challenges = pve.engine.stats.tfaChallenges;
    const wrong = 'MFRGGZDFMZTWQ2LK';
    const error = await ProxmoxSDK.connect(options(pve, wrong)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(pve.engine.stats.tfaChallenges - challenges).toBe(2);
    const message = String((error as Error).message);
    for (let s = -1; s <= 2; s++) expect(message).not.toContain(totp(wrong, Date.now() + s * 30_000));
  });

  it('a user-given otp that was already used is not retried', async () => {
    const o = options(pve);
    const challenges = pve.engine.stats.tfaChallenges;
    // The first test spent the current step (or the next): a code from before is refused.
    const error = await ProxmoxSDK.connect({
      ...withoutSecret(o),
      otp: totp(o.totpSecret, Date.now() - 30_000),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(pve.engine.stats.tfaChallenges - challenges).toBe(1);
  });
});
