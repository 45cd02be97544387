/** Logins through the second factor against a simulator on a clock the tests move. */
import { expect } from 'vitest';
import { totp } from '../../src/auth/totp.js';
import type { ServiceName } from '../../src/core/services.js';
import { OffsetClock } from '../../src/simulator/engine/clock.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { wire } from './helpers.js';

/** The middle of a 30 s step, so that no test runs across a step boundary. */
export const T0 = 1_800_000_015_000;

export async function simAt(service: ServiceName): Promise<{ sim: RunningSimulator; clock: OffsetClock }> {
  const clock = new OffsetClock(() => T0);
  const sim = await startSimulator({ service, clock, authFailureDelayMs: 0 });
  return { sim, clock };
}

export const tfaUser = (sim: RunningSimulator) => sim.users.find((u) => u.userid.startsWith('tfa@'))!;

/** Both steps of the new-format login; the status of the second. */
export async function twoStep(
  sim: RunningSimulator,
  answer: string,
): Promise<{ status: number; text: string }> {
  const user = tfaUser(sim);
  // Only PVE knows `new-format`; PBS always answers with a challenge.
  const format: Record<string, string> = sim.service === 'PVE' ? { 'new-format': '1' } : {};
  const first = await wire(sim, 'POST', '/access/ticket', {
    params: { username: user.userid, password: user.password, ...format },
  });
  expect(first.status).toBe(200);
  const second = await wire(sim, 'POST', '/access/ticket', {
    params: {
      username: user.userid,
      'tfa-challenge': first.json.data.ticket,
      password: answer,
      ...format,
    },
  });
  return { status: second.status, text: second.text };
}

export const codeAt = (sim: RunningSimulator, ms: number) => `totp:${totp(tfaUser(sim).totpSecret!, ms)}`;

/** The seeded recovery keys of the TFA user. */
export const recoveryKeys = (sim: RunningSimulator): string[] =>
  sim.engine.accounts.find((a) => a.userid === tfaUser(sim).userid)!.recoveryCodes!;
