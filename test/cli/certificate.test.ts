/**
 * Self-signed certificates through the built binary (issue 16.7): a refused certificate is
 * shown with its SHA-256 fingerprint and the exact command that pins it; `config add` tries
 * the connection and stores a fingerprint only when the admin says so on a terminal;
 * unchecked TLS warns once, in our words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, proxmox, proxmoxInPty, tempConfigHome } from './helpers.js';

const PASSWORD = 'Cert-Test-Secret-4410';
let sim: RunningSimulator;
let home: string;
let env: NodeJS.ProcessEnv;
let host: string;
const printed: string[] = [];

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator();
  sim.engine.access.users.get('root@pam')!.password = PASSWORD;
  host = `${sim.host}:${sim.port}`;
  home = await tempConfigHome();
  env = baseEnv(home);
});
afterAll(async () => {
  for (const text of printed) expect(text).not.toContain(PASSWORD);
  await sim?.close();
});

async function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = await proxmox(args, { env: { ...env, ...extraEnv }, input: `${PASSWORD}\n` });
  printed.push(r.stdout, r.stderr);
  return r;
}

/** `get /version` as root, the password on stdin, without a pin. */
const getVersion = () => ['get', '/version', '--host', host, '--user', 'root@pam', '--password-stdin'];

/** `config add NAME` on a terminal: types the password, then answers the trust question. */
async function addOnTerminal(name: string, answer: string) {
  const r = await proxmoxInPty(['config', 'add', name, '--host', host, '--user', 'root@pam'], {
    env,
    send: [
      { after: 'Password for root@pam: ', text: `${PASSWORD}\r` },
      { after: '[y/N] ', text: `${answer}\r` },
    ],
  });
  printed.push(r.out);
  return r;
}

/** The indented command line the advice prints, as words (the tests use no quoting). */
function adviceCommand(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.startsWith('  proxmox '));
  if (line === undefined) throw new Error(`no command in: ${stderr}`);
  return line.trim().split(' ').slice(1);
}

const profiles = () => {
  const file = join(home, 'proxmox/config.yaml');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

describe('a certificate that is not trusted', () => {
  it('shows the fingerprint and a command that pins it; that command works', async () => {
    const args = getVersion();
    const refused = await run(args);
    expect(refused.code).toBe(6);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`Its SHA-256 fingerprint: ${sim.fingerprint}`);
    expect(refused.stderr).toContain(`export PROXMOX_FINGERPRINT=${sim.fingerprint}`);
    const again = adviceCommand(refused.stderr);
    expect(again).toEqual(['--fingerprint', sim.fingerprint, ...args]);
    const pinned = await run([...again, '--output-format', 'json']);
    expect(pinned.code).toBe(0);
    expect(JSON.parse(pinned.stdout).version).toBeDefined();
  });

  it('a pin that does not match: exit 6, says so, shows what the server has', async () => {
    const wrong = sim.fingerprint.replace(/^../, sim.fingerprint.startsWith('00') ? '11' : '00');
    const r = await run([...getVersion(), '--fingerprint', wrong]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`other than the pinned one (pinned ${wrong})`);
    expect(r.stderr).toContain(`Its SHA-256 fingerprint: ${sim.fingerprint}`);
    // The command to run again carries the new pin only.
    expect(adviceCommand(r.stderr).filter((w) => w === '--fingerprint')).toHaveLength(1);
  });

  it('--insecure and PROXMOX_VERIFY_SSL=false warn once, in our words', async () => {
    for (const [args, extra] of [
      [['--insecure'], {}],
      [[], { PROXMOX_VERIFY_SSL: 'false' }],
    ] as const) {
      const r = await run([...getVersion(), ...args], extra);
      expect(r.code).toBe(0);
      const warnings = r.stderr.split('\n').filter((l) => l !== '');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^warning: the server's TLS certificate is not checked/);
      expect(r.stderr).not.toContain('(node:');
    }
  });
});

describe('config add tries the connection', () => {
  it('without a terminal an untrusted certificate is refused, nothing stored; the printed command stores it', async () => {
    const args = ['config', 'add', 'tofu', '--host', host, '--user', 'root@pam', '--password-stdin'];
    const refused = await run(args);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain("'tofu' not saved: the server certificate is not trusted");
    expect(refused.stderr).toContain(sim.fingerprint);
    expect(profiles()).not.toContain('tofu:');
    const again = adviceCommand(refused.stderr);
    expect(again).toEqual([...args.slice(0), '--fingerprint', sim.fingerprint]);
    const saved = await run(again);
    expect(saved.code).toBe(0);
    expect(saved.stderr).toContain(`connected to ${host}: version`);
    expect(profiles()).toContain(sim.fingerprint);
  });

  it('on a terminal it asks; yes stores the fingerprint and the profile works', async () => {
    const r = await addOnTerminal('asked', 'y');
    expect(r.out).toContain(`Its SHA-256 fingerprint: ${sim.fingerprint}`);
    expect(r.out).toContain("Trust this certificate and store its fingerprint in 'asked'? [y/N] ");
    expect(r.code).toBe(0);
    const text = profiles();
    expect(text.slice(text.indexOf('asked:'))).toContain(sim.fingerprint);
    expect((await run(['get', '/version', '--profile', 'asked'])).code).toBe(0);
  });

  it('on a terminal, no (or just Enter) stores nothing: exit 6', async () => {
    const r = await addOnTerminal('declined', '');
    expect(r.code).toBe(6);
    expect(r.out).toContain("'declined' not saved");
    expect(profiles()).not.toContain('declined:');
  });

  it('a refused login stores nothing (exit 3); --no-check stores without trying', async () => {
    const args = [
      'config',
      'add',
      'badpw',
      '--host',
      host,
      '--user',
      'root@pam',
      '--fingerprint',
      sim.fingerprint,
    ];
    const r = await proxmox([...args, '--password-stdin'], { env, input: 'not-the-password\n' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--no-check');
    expect(profiles()).not.toContain('badpw:');
    const unchecked = await proxmox([...args, '--password-stdin', '--no-check'], { env, input: 'x\n' });
    expect(unchecked.code).toBe(0);
    expect(profiles()).toContain('badpw:');
  });
});
