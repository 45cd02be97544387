/**
 * Where the connection comes from (flags, environment, profile) and how secrets get in:
 * a prompt without echo on a terminal, stdin, the environment; never a flag. Every output
 * is scanned for the secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, connectFlags, proxmox, proxmoxInPty, tempConfigHome } from './helpers.js';

const PASSWORD = 'Zq7-cli-secret-Password-91x';
let TOKEN = '';
let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
/** Everything any command printed in this file, checked for secrets at the end. */
const printed: string[] = [];

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator({ taskDurationMs: 100 });
  sim.engine.access.users.get('root@pam')!.password = PASSWORD;
  TOKEN = sim.users
    .find((u) => u.userid === 'automation@pve')!
    .tokens.find((t) => t.tokenid === 'full')!.value;
  env = baseEnv(await tempConfigHome());
});
afterAll(async () => {
  for (const text of printed) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
  }
  await sim?.close();
});

async function run(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await proxmox(args, { env, ...options });
  printed.push(r.stdout, r.stderr);
  return r;
}

describe('password', () => {
  it('is prompted for on a terminal, without echo', async () => {
    const r = await proxmoxInPty(['get', '/version', '--output-format', 'json', ...connectFlags(sim)], {
      env,
      send: [{ after: 'Password for root@pam: ', text: `${PASSWORD}\r` }],
    });
    printed.push(r.out, r.err);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Password for root@pam: ');
    expect(r.out).not.toContain(PASSWORD);
    expect(JSON.parse(r.out.trimEnd().split('\n').at(-1)!).version).toBeTruthy();
  });

  it('a wrong password at the prompt exits 3 and shows nothing of it', async () => {
    const r = await proxmoxInPty(['get', '/version', ...connectFlags(sim)], {
      env,
      send: [{ after: 'Password for root@pam: ', text: `${PASSWORD}-wrong\r` }],
    });
    printed.push(r.out, r.err);
    expect(r.code).toBe(3);
    expect(r.out).not.toContain(`${PASSWORD}-wrong`);
  });

  it('is read from stdin with --password-stdin', async () => {
    const r = await run(
      ['get', '/version', '--output-format', 'json', ...connectFlags(sim), '--password-stdin'],
      {
        input: `${PASSWORD}\n`,
      },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).version).toBeTruthy();
  });

  it('without a terminal and without a secret, says how to give one (exit 2)', async () => {
    const r = await run(['get', '/version', ...connectFlags(sim)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--password-stdin/);
  });

  it('is never accepted as a flag', async () => {
    const r = await run(['get', '/version', ...connectFlags(sim), '--password', PASSWORD]);
    // `--password` is no CLI option: it is sent as an API parameter, which GET /version refuses.
    expect(r.code).not.toBe(0);
  });
});

describe('environment', () => {
  it('PROXMOX_* variables are enough', async () => {
    const r = await run(['get', '/version', '--output-format', 'json'], {
      env: {
        ...env,
        PROXMOX_HOST: `${sim.host}:${sim.port}`,
        PROXMOX_USER: 'root@pam',
        PROXMOX_PASSWORD: PASSWORD,
        PROXMOX_FINGERPRINT: sim.fingerprint,
      },
    });
    expect(r.code).toBe(0);
  });

  it('flags win over the environment', async () => {
    const r = await run(['get', '/version', '--host', `${sim.host}:${sim.port}`, '--output-format', 'json'], {
      env: {
        ...env,
        PROXMOX_HOST: '127.0.0.1:1',
        PROXMOX_USER: 'root@pam',
        PROXMOX_PASSWORD: PASSWORD,
        PROXMOX_FINGERPRINT: sim.fingerprint,
      },
    });
    expect(r.code).toBe(0);
  });

  it('takes an API token from PROXMOX_TOKEN_VALUE', async () => {
    const r = await run(
      [
        'get',
        '/nodes',
        '--output-format',
        'json',
        ...connectFlags(sim, 'automation@pve'),
        '--token-name',
        'full',
      ],
      { env: { ...env, PROXMOX_TOKEN_VALUE: TOKEN } },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(0);
  });
});

describe('API tokens', () => {
  it('reads the secret with --token-value-stdin', async () => {
    const r = await run(
      [
        'get',
        '/nodes',
        ...connectFlags(sim, 'automation@pve'),
        '--token-name',
        'full',
        '--token-value-stdin',
      ],
      { input: `${TOKEN}\n` },
    );
    expect(r.code).toBe(0);
  });

  it('prompts for the secret on a terminal', async () => {
    const r = await proxmoxInPty(
      ['get', '/version', ...connectFlags(sim, 'automation@pve'), '--token-name', 'full'],
      { env, send: [{ after: 'API token secret for automation@pve!full: ', text: `${TOKEN}\r` }] },
    );
    printed.push(r.out, r.err);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(TOKEN);
  });

  it('a wrong secret exits 3 without printing it', async () => {
    const r = await run(
      [
        'get',
        '/nodes',
        ...connectFlags(sim, 'automation@pve'),
        '--token-name',
        'full',
        '--token-value-stdin',
      ],
      { input: `${TOKEN.slice(0, -4)}0000\n` },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain(TOKEN.slice(0, -4));
  });
});

describe('TLS', () => {
  it('refuses the self-signed certificate without a pin (exit 6)', async () => {
    const r = await run(
      ['get', '/version', '--host', `${sim.host}:${sim.port}`, '--user', 'root@pam', '--password-stdin'],
      {
        input: `${PASSWORD}\n`,
      },
    );
    expect(r.code).toBe(6);
  });

  it('--insecure works and warns on stderr', async () => {
    const r = await run(
      [
        'get',
        '/version',
        '--host',
        `${sim.host}:${sim.port}`,
        '--user',
        'root@pam',
        '--password-stdin',
        '--insecure',
      ],
      { input: `${PASSWORD}\n` },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: the server's TLS certificate is not checked/m);
    expect(r.stdout).not.toMatch(/warning/);
  });
});

describe('secrets in failures', () => {
  it('no command prints a secret, whatever fails', async () => {
    const flags = [...connectFlags(sim), '--password-stdin'];
    const input = `${PASSWORD}\n`;
    await run(['get', '/nodes/pve1/qemu/4242/config', ...flags], { input });
    await run(['create', '/nodes/pve1/qemu', '-vmid', 'x', ...flags], { input });
    await run(['get', '/version', ...flags, '--timeout', '0.001'], { input });
    const vm = [...sim.engine.cluster.guests.values()].find((g) => g.type === 'qemu' && g.node === 'pve1')!;
    await run(['create', `/nodes/pve1/qemu/${vm.vmid}/status/stop`, '--wait', ...flags], { input });
    await run(['get', '/version', '--host', '127.0.0.1:1', '--user', 'root@pam', '--password-stdin'], {
      input,
    });
    expect(printed.length).toBeGreaterThan(10);
  });
});
