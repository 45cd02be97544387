/**
 * Two-factor logins through the built binary against the HTTPS simulator (issue 16.6): the
 * code from PROXMOX_TOTP_SECRET, or asked on a real terminal (TOTP code or recovery key),
 * and a clear exit 3 without either. The simulator's challenge follows pve-access-control
 * PVE/API2/AccessControl.pm create_ticket (a `!tfa!` ticket, then `tfa-challenge` + `password`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../src/auth/totp.js';
import { ENV_VARIABLE_HELP } from '../../src/config/env-variables.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, proxmox, proxmoxInPty, REPO, simulatorEnv, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
let secret: string;
let recovery: string[];

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator();
  const account = sim.engine.accounts.find((a) => a.userid === 'tfa@pve')!;
  secret = account.totpSecret!;
  recovery = account.recoveryCodes!;
  env = await simulatorEnv(sim, {
    PROXMOX_USER: 'tfa@pve',
    PROXMOX_PASSWORD: 'two-factor',
  });
});
afterAll(() => sim?.close());

describe('two-factor login', () => {
  it('generates the code from PROXMOX_TOTP_SECRET, without a terminal', async () => {
    const r = await proxmox(['get', '/version', '--output-format', 'json'], {
      env: { ...env, PROXMOX_TOTP_SECRET: secret },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).release).toBeDefined();
  });

  it('without a terminal or a secret: exit 3, saying how to give the code, nothing asked', async () => {
    const r = await proxmox(['get', '/version'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('tfa@pve needs a second factor');
    expect(r.stderr).toContain('PROXMOX_TOTP_SECRET');
    expect(r.stderr).not.toContain('two-factor\n');
  });

  it('asks for the TOTP code on a terminal, without echo, and logs in with it', async () => {
    // The first test spent this step's code and a step is taken once (proxmox-tfa api/mod.rs
    // verify_totp): type the next step's, which the server accepts one step ahead.
    const code = await totp(secret, Date.now() + 30_000);
    const r = await proxmoxInPty(['get', '/version', '--output-format', 'json'], {
      env,
      send: [{ after: 'Two-factor code for tfa@pve', text: `${code}\r` }],
    });
    expect(r.out).toContain(
      'Two-factor code for tfa@pve (TOTP code, or a recovery key; 8 recovery keys left): ',
    );
    expect(r.out).not.toContain(code);
    expect(r.code).toBe(0);
    expect(r.out).toContain('"release"');
  });

  it('takes a recovery key at the same prompt; a spent key is refused with exit 3', async () => {
    const key = recovery[0]!;
    const first = await proxmoxInPty(['get', '/version', '--output-format', 'json'], {
      env,
      send: [{ after: 'Two-factor code', text: `${key}\r` }],
    });
    expect(first.code).toBe(0);
    expect(first.out).not.toContain(key);
    const again = await proxmoxInPty(['get', '/version'], {
      env,
      send: [{ after: '7 recovery keys left', text: `${key}\r` }],
    });
    expect(again.code).toBe(3);
    expect(again.out).not.toContain(key);
  });
});

describe('a profile with a TOTP secret command', () => {
  // Its own simulator: the steps the tests above spent stay theirs.
  let own: RunningSimulator;
  beforeAll(async () => {
    own = await startSimulator();
  });
  afterAll(() => own?.close());

  // Two processes in one 30 s window: `config add` records the step it spent in the CLI's
  // totp-steps.json, and `get` sends the next step's code at once, with no refusal (proxmox-tfa
  // verify_totp "rejecting reused TOTP value" would refuse the spent one).
  it('config add --totp-secret-command logs in to try it, and the profile logs in without a terminal', async () => {
    const home = await tempConfigHome();
    const clean = baseEnv(home);
    const file = join(home, 'totp.txt');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    const server = [
      '--host',
      `${own.host}:${own.port}`,
      '--fingerprint',
      own.fingerprint,
      '--user',
      'tfa@pve',
    ];
    const added = await proxmox(
      ['config', 'add', 'tfa', ...server, '--password-stdin', '--totp-secret-command', `cat ${file}`],
      { env: clean, input: 'two-factor\n' },
    );
    expect(added.stderr).toContain('connected to');
    expect(added.code).toBe(0);
    expect(readFileSync(join(home, 'proxmox/config.yaml'), 'utf8')).not.toContain(secret);
    const used = await proxmox(['get', '/version', '--profile', 'tfa', '--output-format', 'json'], {
      env: clean,
    });
    expect(used.code).toBe(0);
    expect(JSON.parse(used.stdout).version).toBeDefined();
    expect(own.engine.access.users.get('tfa@pve')!.totpFailures ?? 0).toBe(0);
  });
});

describe('environment variables', () => {
  it('proxmox --help and docs/cli.md name every PROXMOX_* variable the SDK reads', async () => {
    const help = (await proxmox(['--help'], { env })).stdout;
    const docs = readFileSync(join(REPO, 'docs/cli.md'), 'utf8');
    for (const name of Object.keys(ENV_VARIABLE_HELP)) {
      expect(help).toContain(`  ${name} `);
      expect(docs).toContain(`\`${name}\``);
    }
  });
});
