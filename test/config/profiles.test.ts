import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { optionsFromEnv, optionsFromProfile } from '../../src/config/config.js';
import {
  configPath,
  getProfile,
  listProfiles,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from '../../src/config/profiles.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';

const root = mkdtempSync(join(tmpdir(), 'pxprofiles-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let n = 0;
/** A fresh XDG_CONFIG_HOME. */
function home(): { env: NodeJS.ProcessEnv; path: string } {
  const xdg = join(root, `home-${n++}`);
  return { env: { XDG_CONFIG_HOME: xdg }, path: join(xdg, 'proxmox', 'config.yaml') };
}

describe('profile store', () => {
  it('finds the config under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ env: { XDG_CONFIG_HOME: '/x' } })).toBe('/x/proxmox/config.yaml');
    expect(configPath({ env: { HOME: '/home/u' } })).toBe('/home/u/.config/proxmox/config.yaml');
  });

  it('saves, lists, reads, sets the default and removes', async () => {
    const { env, path } = home();
    await saveProfile(
      'lab',
      { host: 'pve.lab', user: 'root@pam', tokenName: 'ci', tokenValueCommand: 'pass show lab' },
      { env },
    );
    await saveProfile(
      'prod',
      { host: ['pve1.prod', 'pve2.prod'], user: 'automation@pve', password: 'pw' },
      { env },
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    await setDefaultProfile('prod', { env });
    expect(await listProfiles({ env })).toEqual([
      { name: 'lab', isDefault: false, host: 'pve.lab', user: 'root@pam' },
      { name: 'prod', isDefault: true, host: ['pve1.prod', 'pve2.prod'], user: 'automation@pve' },
    ]);
    expect(await getProfile('lab', { env })).toMatchObject({ tokenValueCommand: 'pass show lab' });
    await expect(setDefaultProfile('nope', { env })).rejects.toThrow(/no profile named 'nope'/);
    expect(await removeProfile('prod', { env })).toBe(true);
    expect(await removeProfile('prod', { env })).toBe(false);
    expect(readFileSync(path, 'utf8')).not.toMatch(/default:/);
    expect((await listProfiles({ env })).map((p) => p.name)).toEqual(['lab']);
  });

  it('keeps the other profiles and the comments when one is replaced', async () => {
    const { env, path } = home();
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(
      path,
      '# my profiles\ndefault: a\nprofiles:\n  a:\n    host: a.example # first\n  b:\n    host: b.example\n',
      {
        mode: 0o600,
      },
    );
    await saveProfile('a', { host: 'a2.example', user: 'x@pve', password: 'p' }, { env });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# my profiles');
    expect(text).toContain('b.example');
    expect(await getProfile('a', { env })).toEqual({ host: 'a2.example', user: 'x@pve', password: 'p' });
  });

  it('keeps every profile when many processes-worth of writers save at once', async () => {
    const { env } = home();
    await Promise.all(Array.from({ length: 12 }, (_, i) => saveProfile(`p${i}`, { host: `h${i}` }, { env })));
    expect((await listProfiles({ env })).map((p) => p.name).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `p${i}`).sort(),
    );
    // No temp or lock file is left behind.
    expect(readdirSync(join(configPath({ env }), '..'))).toEqual(['config.yaml']);
  });

  it('refuses to write through a symbolic link', async () => {
    const { env, path } = home();
    mkdirSync(join(path, '..'), { recursive: true });
    const target = join(root, `target-${n++}.yaml`);
    writeFileSync(target, 'profiles: {}\n', { mode: 0o600 });
    symlinkSync(target, path);
    await expect(saveProfile('x', { host: 'h' }, { env })).rejects.toThrow(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('profiles: {}\n');
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
  });

  it('refuses a config readable by others', async () => {
    const { env, path } = home();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'profiles:\n  a:\n    host: h\n');
    chmodSync(path, 0o644);
    await expect(listProfiles({ env })).rejects.toThrow(`chmod 600 ${path}`);
  });

  it('reads and writes config.json when there is no YAML', async () => {
    const { env, path } = home();
    const json = path.replace(/yaml$/, 'json');
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(
      json,
      JSON.stringify({ default: 'j', profiles: { j: { host: 'j.example', token_name: 't' } } }),
      {
        mode: 0o600,
      },
    );
    expect(configPath({ env })).toBe(json);
    await saveProfile('k', { host: 'k.example' }, { env });
    expect(JSON.parse(readFileSync(json, 'utf8')).profiles).toEqual({
      j: { host: 'j.example', token_name: 't' }, // untouched profiles stay as written
      k: { host: 'k.example' },
    });
  });

  it('refuses odd names and function options', async () => {
    const { env } = home();
    await expect(saveProfile('../x', { host: 'h' }, { env })).rejects.toThrow(/profile name/);
    await expect(saveProfile('x', { host: 'h', onTfa: () => '1' }, { env })).rejects.toThrow(
      /only be given in code/,
    );
  });
});

describe('loading profiles', () => {
  it('chooses the argument, then PROXMOX_PROFILE, then the default', async () => {
    const { env } = home();
    await saveProfile('a', { host: 'a', user: 'u@pve', password: 'pa' }, { env });
    await saveProfile('b', { host: 'b', user: 'u@pve', password: 'pb' }, { env });
    await setDefaultProfile('a', { env });
    await expect(optionsFromProfile(undefined, { env })).resolves.toMatchObject({ host: 'a' });
    await expect(
      optionsFromProfile(undefined, { env: { ...env, PROXMOX_PROFILE: 'b' } }),
    ).resolves.toMatchObject({
      host: 'b',
    });
    await expect(optionsFromProfile('a', { env: { ...env, PROXMOX_PROFILE: 'b' } })).resolves.toMatchObject({
      host: 'a',
    });
    await expect(optionsFromProfile('zzz', { env })).rejects.toThrow(
      /no profile named 'zzz' .*\(profiles: a, b\)/,
    );
  });

  it('uses a profile named default when no default is set, and the environment alone without profiles', async () => {
    const { env } = home();
    await expect(optionsFromProfile(undefined, { env })).rejects.toThrow(/^PROXMOX_HOST is not set/);
    await expect(optionsFromProfile('x', { env })).rejects.toThrow(/does not exist/);
    await saveProfile('default', { host: 'd', user: 'u@pve', password: 'p' }, { env });
    await expect(optionsFromProfile(undefined, { env })).resolves.toMatchObject({ host: 'd' });
  });

  it('names the profile when it lacks something', async () => {
    const { env } = home();
    await saveProfile('half', { host: 'h', user: 'u@pve' }, { env });
    await expect(optionsFromProfile('half', { env })).rejects.toThrow(
      /PROXMOX_PASSWORD is not set and profile 'half' has no password/,
    );
  });

  it('fromEnv layers PROXMOX_PROFILE beneath the variables, running its commands', async () => {
    const { env } = home();
    await saveProfile(
      'ci',
      { host: 'h', user: 'u@pve', tokenName: 't', tokenValueCommand: 'echo s3cr3t-value' },
      { env },
    );
    expect(optionsFromEnv({ ...env, PROXMOX_PROFILE: 'ci', PROXMOX_HOST: 'env-host' })).toEqual({
      host: 'env-host',
      user: 'u@pve',
      tokenName: 't',
      tokenValue: 's3cr3t-value',
    });
  });

  it('ProxmoxSDK.fromProfile builds a client', async () => {
    const { env } = home();
    await saveProfile(
      'default',
      { host: 'pve.example.com', user: 'u@pve', tokenName: 't', tokenValue: 'v-secret' },
      { env },
    );
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = env.XDG_CONFIG_HOME;
    try {
      const px = await ProxmoxSDK.fromProfile();
      expect(clientOptions(px)).toMatchObject({ tokenName: 't' });
      await px.close();
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    }
  });
});

/** The resolved options a client exposes at runtime (not part of its typed surface). */
function clientOptions(px: unknown): Record<string, unknown> {
  return (px as { options: Record<string, unknown> }).options;
}
