/** `proxmox config` on the SDK's profile store, in a private XDG_CONFIG_HOME. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeProfile, saveProfile } from '../../src/config/profiles.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, proxmox, proxmoxInPty, tempConfigHome } from './helpers.js';

const PASSWORD = 'Profile-Secret-7731-pw';
let TOKEN = '';
let sim: RunningSimulator;
let home: string;
let env: NodeJS.ProcessEnv;
const printed: string[] = [];

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator();
  sim.engine.access.users.get('root@pam')!.password = PASSWORD;
  TOKEN = sim.users
    .find((u) => u.userid === 'automation@pve')!
    .tokens.find((t) => t.tokenid === 'full')!.value;
  home = await tempConfigHome();
  env = baseEnv(home);
});
afterAll(async () => {
  for (const text of printed) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
  }
  await sim?.close();
});

async function run(args: string[], input?: string) {
  const r = await proxmox(args, { env, ...(input === undefined ? {} : { input }) });
  printed.push(r.stdout, r.stderr);
  return r;
}

const server = () => ['--host', `${sim.host}:${sim.port}`, '--fingerprint', sim.fingerprint];
const configFile = () => join(home, 'proxmox/config.yaml');

describe('config', () => {
  it('adds profiles with a password, a token and a password command; each keeps the others', async () => {
    expect(
      (
        await run(
          ['config', 'add', 'lab', ...server(), '--user', 'root@pam', '--password-stdin'],
          `${PASSWORD}\n`,
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await run(
          [
            'config',
            'add',
            'ci',
            ...server(),
            '--user',
            'automation@pve',
            '--token-name',
            'full',
            '--token-value-stdin',
          ],
          `${TOKEN}\n`,
        )
      ).code,
    ).toBe(0);
    // A password command prints the secret; the command line itself holds none.
    const secretFile = join(home, 'pw.txt');
    writeFileSync(secretFile, `${PASSWORD}\n`, { mode: 0o600 });
    const cmd = [
      'config',
      'add',
      'cmd',
      ...server(),
      '--user',
      'root@pam',
      '--password-command',
      `cat ${secretFile}`,
    ];
    expect((await run(cmd)).code).toBe(0);
    const list = JSON.parse((await run(['config', 'list', '--output-format', 'json'])).stdout) as {
      name: string;
      default: number;
      auth: string;
    }[];
    expect(list.map((p) => p.name).sort()).toEqual(['ci', 'cmd', 'lab']);
    // The first profile became the default.
    expect(list.find((p) => p.default === 1)?.name).toBe('lab');
    expect(list.find((p) => p.name === 'ci')?.auth).toBe('token');
    expect(statSync(configFile()).mode & 0o077).toBe(0);
  });

  it('a fourth profile added beside three keeps them all', async () => {
    const r = await run(['config', 'add', 'four', '--backend', 'mock', '--user', 'root@pam', '--no-secret']);
    expect(r.code).toBe(0);
    const text = readFileSync(configFile(), 'utf8');
    for (const name of ['lab:', 'ci:', 'cmd:', 'four:']) expect(text).toContain(name);
  });

  it('refuses to replace a profile without --force', async () => {
    const r = await run(['config', 'add', 'lab', ...server(), '--user', 'root@pam', '--no-secret']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--force/);
  });

  it('show masks secrets, in every format', async () => {
    for (const format of ['text', 'json', 'yaml', 'table']) {
      for (const name of ['lab', 'ci']) {
        const r = await run(['config', 'show', name, '--output-format', format]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain('********');
        expect(r.stdout).not.toContain(PASSWORD);
        expect(r.stdout).not.toContain(TOKEN);
      }
    }
    // A secret command may hold the secret itself (`echo hunter2`): masked too (issue 15.7).
    const cmd = JSON.parse((await run(['config', 'show', 'cmd', '--output-format', 'json'])).stdout);
    expect(cmd.passwordCommand).toBe('********');
  });

  it('show masks a totp secret command and the credentials of a proxy URL (issues 15.4, 15.7)', async () => {
    const proxyPassword = 'Prx-Stored-5521';
    await saveProfile(
      'proxied',
      {
        host: `${sim.host}:${sim.port}`,
        user: 'root@pam',
        passwordCommand: `echo ${PASSWORD}`,
        totpSecretCommand: 'echo JBSWY3DPEHPK3PXP',
        proxy: `http://squid:${proxyPassword}@127.0.0.1:3128`,
      },
      { env },
    );
    for (const format of ['text', 'json', 'yaml', 'table']) {
      const r = await run(['config', 'show', 'proxied', '--output-format', format]);
      expect(r.code).toBe(0);
      for (const secret of [proxyPassword, 'squid:', 'JBSWY3DPEHPK3PXP', PASSWORD]) {
        expect(r.stdout).not.toContain(secret);
      }
    }
    const shown = JSON.parse((await run(['config', 'show', 'proxied', '--output-format', 'json'])).stdout);
    expect(shown).toMatchObject({
      passwordCommand: '********',
      totpSecretCommand: '********',
      proxy: 'http://***@127.0.0.1:3128',
    });
    await removeProfile('proxied', { env });
  });

  it('commands use the default profile, --profile, and PROXMOX_PROFILE', async () => {
    const byDefault = await run(['get', '/version', '--output-format', 'json']);
    expect(byDefault.code).toBe(0);
    const token = await run(['get', '/nodes', '--profile', 'ci', '--output-format', 'json']);
    expect(token.code).toBe(0);
    const command = await proxmox(['get', '/version'], { env: { ...env, PROXMOX_PROFILE: 'cmd' } });
    printed.push(command.stdout, command.stderr);
    expect(command.code).toBe(0);
    const missing = await run(['get', '/version', '--profile', 'nope']);
    expect(missing.code).toBe(2);
  });

  it("a named profile's password does not go to another --host or PROXMOX_HOST (issue 15.3)", async () => {
    // 'lab' was stored for 127.0.0.1:PORT; localhost:PORT is the same server under another name,
    // so a login there would succeed, were the stored password sent.
    const other = ['--host', `localhost:${sim.port}`, '--fingerprint', sim.fingerprint];
    const seen = sim.engine.access.users.get('root@pam')!;
    expect(seen.password).toBe(PASSWORD);
    for (const r of [
      await proxmox(['get', '/version', ...other], { env: { ...env, PROXMOX_PROFILE: 'lab' } }),
      await run(['get', '/version', '--profile', 'lab', ...other]),
      await proxmox(['get', '/version', '--fingerprint', sim.fingerprint], {
        env: { ...env, PROXMOX_PROFILE: 'lab', PROXMOX_HOST: `localhost:${sim.port}` },
      }),
    ]) {
      printed.push(r.stdout, r.stderr);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Password for root@pam: no terminal to ask on/);
    }
    // The host it was stored with still gets it.
    const same = await run(['get', '/version', '--profile', 'lab', ...server()]);
    expect(same.code).toBe(0);
  });

  it('the default profile is not used for another --host', async () => {
    const r = await run(['get', '/version', '--host', '127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no user given/);
  });

  it('use switches the default; remove deletes one and keeps the rest', async () => {
    expect((await run(['config', 'use', 'ci'])).code).toBe(0);
    let list = JSON.parse((await run(['config', 'list', '--output-format', 'json'])).stdout) as {
      name: string;
      default: number;
    }[];
    expect(list.find((p) => p.default === 1)?.name).toBe('ci');
    expect((await run(['config', 'remove', 'cmd'])).code).toBe(0);
    list = JSON.parse((await run(['config', 'list', '--output-format', 'json'])).stdout);
    expect(list.map((p) => p.name).sort()).toEqual(['ci', 'four', 'lab']);
    expect((await run(['config', 'remove', 'cmd'])).code).toBe(4);
    expect((await run(['config', 'use', 'nope'])).code).toBe(4);
  });

  it('add asks for the password on a terminal, without echo', async () => {
    const r = await proxmoxInPty(['config', 'add', 'prompted', ...server(), '--user', 'root@pam'], {
      env,
      send: [{ after: 'Password for root@pam: ', text: `${PASSWORD}\r` }],
    });
    printed.push(r.out, r.err);
    expect(r.code).toBe(0);
    expect(readFileSync(configFile(), 'utf8')).toContain('prompted:');
    const use = await run(['get', '/version', '--profile', 'prompted']);
    expect(use.code).toBe(0);
  });

  it('add without a terminal and without a secret option says what to do', async () => {
    const r = await run(['config', 'add', 'x', ...server(), '--user', 'root@pam']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--password-stdin/);
  });
});

describe('config, the smaller things (issue 16.9)', () => {
  it('config add --help prints the config help with the add options', async () => {
    const r = await run(['config', 'add', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('proxmox config add <name>');
    expect(r.stdout).toContain('--password-command CMD');
    expect(r.stdout).toContain('--no-check');
  });

  it('removing the default profile: the only one left becomes the default; with several, says how to choose', async () => {
    const own = baseEnv(await tempConfigHome());
    const cfg = (args: string[]) => proxmox(['config', ...args], { env: own });
    for (const name of ['p1', 'p2', 'p3']) {
      expect(
        (await cfg(['add', name, '--host', `${name}.example`, '--user', 'root@pam', '--no-secret'])).code,
      ).toBe(0);
    }
    const defaults = async () =>
      (
        JSON.parse((await cfg(['list', '--output-format', 'json'])).stdout) as {
          name: string;
          default: number;
        }[]
      )
        .filter((p) => p.default === 1)
        .map((p) => p.name);
    expect(await defaults()).toEqual(['p1']);
    const several = await cfg(['remove', 'p1']);
    expect(several.stderr).toContain(
      "no default profile now; choose one with 'proxmox config use NAME' (profiles: p2, p3)",
    );
    expect(await defaults()).toEqual([]);
    expect((await cfg(['use', 'p2'])).code).toBe(0);
    const one = await cfg(['remove', 'p2']);
    expect(one.stderr).toContain('default profile: p3 (the only one left)');
    expect(await defaults()).toEqual(['p3']);
  });
});
