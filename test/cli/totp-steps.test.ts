/**
 * TOTP across `proxmox` runs (src/cli/totp-steps.ts): each run is a new process, and the server
 * takes each 30 s step once per user (proxmox-tfa api/mod.rs TfaUserData::verify_totp,
 * "rejecting reused TOTP value", which the simulator follows in access/totp-login.ts). The CLI
 * remembers the last step it sent per user and host in totp-steps.json beside the profile
 * store, so a second run sends the next step's code without a refusal, and a third in the same
 * window waits for the next step, saying so on stderr.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../src/auth/totp.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { UserRecord } from '../../src/simulator/state/access-state.js';
import { cliBin, proxmox, simulatorEnv } from './helpers.js';

const STEP = 30_000;
let sim: RunningSimulator;
/** A second server, for the damaged-file test: no step of it is spent yet. */
let own: RunningSimulator;
let secret: string;
let user: UserRecord;

beforeAll(async () => {
  await cliBin();
  [sim, own] = await Promise.all([startSimulator(), startSimulator()]);
  secret = sim.engine.accounts.find((a) => a.userid === 'tfa@pve')!.totpSecret!;
  user = sim.engine.access.users.get('tfa@pve')!;
});
afterAll(async () => {
  await sim?.close();
  await own?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freshEnv(server: RunningSimulator = sim) {
  const env = await simulatorEnv(server, {
    PROXMOX_USER: 'tfa@pve',
    PROXMOX_PASSWORD: 'two-factor',
    PROXMOX_TOTP_SECRET: secret,
  });
  return { env, file: join(env.XDG_CONFIG_HOME!, 'proxmox', 'totp-steps.json') };
}

const version = (env: NodeJS.ProcessEnv) =>
  proxmox(['get', '/version', '--output-format', 'json'], { env, timeout: 60_000 });

describe('TOTP from PROXMOX_TOTP_SECRET across CLI runs', () => {
  let shared: { env: NodeJS.ProcessEnv; file: string };

  it('three runs in one 30 s window all log in: the third waits for the next step and says how long', async () => {
    shared = await freshEnv();
    const { env, file } = shared;
    // All three start in one step: with less than 20 s of it left, start with the next one.
    const left = STEP - (Date.now() % STEP);
    if (left < 20_000) await sleep(left + 100);
    const step = Math.floor(Date.now() / STEP);
    const failuresBefore = sim.engine.stats.loginFailures;

    const first = await version(env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = await version(env);
    // The step the first run spent is skipped, not sent and refused.
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const third = await version(env);
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout).release).toBeDefined();
    const host = `${sim.host}:${sim.port}`;
    const line = new RegExp(
      `^waiting (\\d+) s for the next TOTP step: the codes of the current ones were used for tfa@pve on ${host} \\(each logs in once\\)\\n$`,
    );
    expect(third.stderr).toMatch(line);
    expect(Number(line.exec(third.stderr)![1])).toBeLessThanOrEqual(30);

    // No code was refused: none counts toward the TOTP lockout (8 in a row lock it).
    expect(sim.engine.stats.loginFailures).toBe(failuresBefore);
    expect(user.totpFailures ?? 0).toBe(0);
    expect(user.totpLastCount).toBe(step + 2);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      steps: [{ user: 'tfa@pve', host, step: step + 2 }],
    });
  }, 90_000);

  it('the state file is 0600 and holds no secret, no code and no password', () => {
    // The file the runs above wrote.
    expect(statSync(shared.file).mode & 0o777).toBe(0o600);
    const text = readFileSync(shared.file, 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('two-factor');
    const now = Math.floor(Date.now() / STEP);
    for (let s = now - 3; s <= now + 3; s++) expect(text).not.toContain(totp(secret, s * STEP));
    expect(Object.keys(JSON.parse(text).steps[0]).sort()).toEqual(['host', 'step', 'user']);
  });
});

describe('a state file that cannot be trusted', () => {
  it('a step from the future is ignored, a damaged file is replaced: both runs log in', async () => {
    const { env, file } = await freshEnv(own);
    const host = `${own.host}:${own.port}`;
    // A clock set back must not make every run wait: a step past the next one is ignored.
    const future = Math.floor(Date.now() / STEP) + 1000;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ steps: [{ user: 'tfa@pve', host, step: future }] }));
    const afterFuture = await version(env);
    expect(afterFuture.stderr).toBe('');
    expect(afterFuture.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).steps[0].step).toBeLessThan(future);

    writeFileSync(file, '{ not json', { mode: 0o600 });
    // Without the file's step the run sends the spent one; the SDK's one retry, with the
    // next step's code, logs in (src/auth/ticket.ts #login).
    const afterDamage = await version(env);
    expect(afterDamage.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).steps).toHaveLength(1);
  }, 90_000);
});
