/**
 * `--debug` and `--curl` through the built binary against the HTTPS simulator (issue
 * 16.10): the debug log shows each request and answer with every secret masked; the curl
 * lines send nothing themselves and, run by bash with the secrets in variables, make the
 * same call (real curl, real TLS, the fingerprint pinned as curl's --pinnedpubkey).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, type SimRequest, startSimulator } from '../../src/simulator/index.js';
import { cliBin, proxmox, runCollecting, simulatorEnv } from './helpers.js';

const PASSWORD = 'Debug-Curl-Secret-9917';
let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
let token: { id: string; value: string };
const seen: SimRequest[] = [];

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator();
  sim.engine.access.users.get('root@pam')!.password = PASSWORD;
  const full = sim.users
    .find((u) => u.userid === 'automation@pve')!
    .tokens.find((t) => t.tokenid === 'full')!;
  token = { id: 'full', value: full.value };
  env = await simulatorEnv(sim, {
    PROXMOX_USER: 'root@pam',
  });
  const handle = sim.engine.handle.bind(sim.engine);
  sim.engine.handle = (req: SimRequest) => {
    seen.push(req);
    return handle(req);
  };
});
afterAll(() => sim?.close());

const withPassword = () => ({ ...env, PROXMOX_PASSWORD: PASSWORD });
const withToken = () => ({
  ...env,
  PROXMOX_USER: 'automation@pve',
  PROXMOX_TOKEN_NAME: token.id,
  PROXMOX_TOKEN_VALUE: token.value,
});

/** Runs shell text with bash (no rc files), the given environment. */
const bash = (script: string, scriptEnv: NodeJS.ProcessEnv) =>
  runCollecting('/bin/bash', ['--norc', '--noprofile', '-c', script], scriptEnv);

describe('--debug', () => {
  it('prints each request and answer on stderr, with the ticket and password masked', async () => {
    const r = await proxmox(['--debug', 'get', '/version', '--output-format', 'json'], {
      env: withPassword(),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).version).toBeDefined();
    expect(r.stderr).toContain('proxmox-sdk > POST /access/ticket {"username":"root@pam","password":"***"');
    expect(r.stderr).toMatch(/^proxmox-sdk < POST \/access\/ticket 200 OK \(\d+ ms\)$/m);
    expect(r.stderr).toContain('"ticket":"***"');
    expect(r.stderr).toContain('"CSRFPreventionToken":"***"');
    expect(r.stderr).toMatch(/^proxmox-sdk > GET \/version$/m);
    expect(r.stderr).toContain('proxmox-sdk < {"data":{"version":');
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.stderr).not.toContain('PVE:root@pam:');
  });

  it('with an API token the secret appears nowhere', async () => {
    const r = await proxmox(['get', '/nodes', '--debug'], { env: withToken() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^proxmox-sdk > GET \/nodes$/m);
    expect(`${r.stdout}${r.stderr}`).not.toContain(token.value);
  });
});

describe('--curl', () => {
  it('sends nothing, holds no secret, and the lines make the same call', async () => {
    const before = seen.length;
    const r = await proxmox(['--curl', 'get', '/cluster/resources', '-type', 'vm'], { env: withPassword() });
    expect(r.code).toBe(0);
    expect(seen.length).toBe(before);
    expect(r.stdout).not.toContain(PASSWORD);
    expect(r.stdout).toContain('"password=$PROXMOX_PASSWORD"');
    expect(r.stdout).toContain('--pinnedpubkey sha256//');
    const run = await bash(r.stdout, { PATH: process.env.PATH, PROXMOX_PASSWORD: PASSWORD });
    expect(run.stderr).toBe('');
    const viaCurl = JSON.parse(run.stdout).data as { vmid: number }[];
    const viaCli = JSON.parse(
      (
        await proxmox(['get', '/cluster/resources', '-type', 'vm', '--output-format', 'json'], {
          env: withPassword(),
        })
      ).stdout,
    ) as { vmid: number }[];
    expect(viaCurl.map((g) => g.vmid).sort()).toEqual(viaCli.map((g) => g.vmid).sort());
  });

  it('with a token: one curl line, the secret as $PROXMOX_TOKEN_VALUE', async () => {
    const r = await proxmox(['get', '/version', '--curl'], { env: withToken() });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(token.value);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"Authorization: PVEAPIToken=automation@pve!full=$PROXMOX_TOKEN_VALUE"');
    const run = await bash(r.stdout, { PATH: process.env.PATH, PROXMOX_TOKEN_VALUE: token.value });
    expect(JSON.parse(run.stdout).data.version).toBeDefined();
  });

  it('a secret API parameter becomes $PROXMOX_PARAM_...; the POST with CSRF token works', async () => {
    const secret = 'New-User-Secret-5521';
    const r = await proxmox(
      ['create', '/access/users', '-userid', 'curl@pve', '-password', secret, '--curl'],
      {
        env: withPassword(),
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).toContain('"password=$PROXMOX_PARAM_PASSWORD"');
    expect(r.stdout).toContain('set PROXMOX_PASSWORD, PROXMOX_PARAM_PASSWORD first');
    expect(sim.engine.access.users.has('curl@pve')).toBe(false);
    const run = await bash(r.stdout, {
      PATH: process.env.PATH,
      PROXMOX_PASSWORD: PASSWORD,
      PROXMOX_PARAM_PASSWORD: secret,
    });
    expect(run.stderr).toBe('');
    expect(sim.engine.access.users.has('curl@pve')).toBe(true);
    const login = await proxmox(['get', '/version'], {
      env: { ...env, PROXMOX_USER: 'curl@pve', PROXMOX_PASSWORD: secret },
    });
    expect(login.code).toBe(0);
  });
});
