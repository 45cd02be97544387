import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  environmentOptions,
  optionsFromEnv,
  optionsFromFile,
  optionsFromProfile,
} from '../../src/config/config.js';
import { saveProfile } from '../../src/config/profiles.js';
import { layerOptions } from '../../src/config/stored-options.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';

const dir = mkdtempSync(join(tmpdir(), 'pxconfig-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const SECRET = '12345678-abcd-1234-abcd-1234567890ab';
let n = 0;

function secretFile(name: string, text: string, mode = 0o600): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** Every text an error shows: message, JSON, stack. */
function shown(error: unknown): string {
  const e = error as Error & { toJSON?: () => unknown };
  return `${e.message}\n${JSON.stringify(e.toJSON?.() ?? {})}\n${e.stack}`;
}

describe('optionsFromEnv', () => {
  const seed = {
    PROXMOX_HOST: 'pve.example.com',
    PROXMOX_USER: 'automation@pve',
    PROXMOX_TOKEN_NAME: 'my-automation-token',
    PROXMOX_TOKEN_VALUE: SECRET,
  };

  it('reads the seed guide variables', () => {
    expect(optionsFromEnv(seed)).toEqual({
      host: 'pve.example.com',
      user: 'automation@pve',
      tokenName: 'my-automation-token',
      tokenValue: SECRET,
    });
  });

  it('converts types and host lists', () => {
    const o = optionsFromEnv({
      PROXMOX_HOST: 'pve1.example.com, pve2.example.com',
      PROXMOX_PORT: '8443',
      PROXMOX_USER: 'root@pam',
      PROXMOX_PASSWORD: 'pw-secret',
      PROXMOX_VERIFY_SSL: 'no',
      PROXMOX_SERVICE: 'pbs',
      PROXMOX_BACKEND: 'https',
      PROXMOX_FINGERPRINT: 'AA:BB',
      PROXMOX_TOTP_SECRET: 'JBSWY3DPEHPK3PXP',
    });
    expect(o).toMatchObject({
      host: ['pve1.example.com', 'pve2.example.com'],
      port: 8443,
      verifySsl: false,
      service: 'pbs',
      totpSecret: 'JBSWY3DPEHPK3PXP',
    });
  });

  const missing: Array<[string, Record<string, string>, RegExp]> = [
    ['host', {}, /^PROXMOX_HOST is not set/],
    ['user', { PROXMOX_HOST: 'h' }, /^PROXMOX_USER is not set/],
    [
      'credentials',
      { PROXMOX_HOST: 'h', PROXMOX_USER: 'u@pam' },
      /^PROXMOX_PASSWORD is not set \(or set PROXMOX_TOKEN_NAME/,
    ],
    [
      'token value',
      { PROXMOX_HOST: 'h', PROXMOX_USER: 'u@pam', PROXMOX_TOKEN_NAME: 't' },
      /^PROXMOX_TOKEN_VALUE is not set/,
    ],
    [
      'token name',
      { PROXMOX_HOST: 'h', PROXMOX_USER: 'u@pam', PROXMOX_TOKEN_VALUE: SECRET },
      /^PROXMOX_TOKEN_NAME is not set/,
    ],
    ['empty counts as unset', { PROXMOX_HOST: '', PROXMOX_USER: 'u@pam' }, /^PROXMOX_HOST is not set/],
  ];
  it.each(missing)('names the missing variable: %s', (_name, env, message) => {
    expect(() => optionsFromEnv(env)).toThrow(message);
  });

  it('needs no host or credentials for the mock backend', () => {
    expect(optionsFromEnv({ PROXMOX_BACKEND: 'mock' })).toEqual({ backend: 'mock' });
  });

  it('refuses bad values by variable name, without echoing secrets', () => {
    expect(() => optionsFromEnv({ ...seed, PROXMOX_PORT: 'eighty' })).toThrow(
      /PROXMOX_PORT: expected a number/,
    );
    expect(() => optionsFromEnv({ ...seed, PROXMOX_VERIFY_SSL: 'maybe' })).toThrow(/PROXMOX_VERIFY_SSL/);
  });

  it('overrides win over the environment', () => {
    expect(optionsFromEnv(seed, { host: 'other' })).toMatchObject({ host: 'other', tokenValue: SECRET });
    // A password given in code replaces the environment's token as a whole.
    const o = optionsFromEnv(seed, { password: 'pw' });
    expect(o.tokenName).toBeUndefined();
    expect(o.tokenValue).toBeUndefined();
  });

  it('ProxmoxSDK.fromEnv builds a client', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, seed);
    try {
      const px = ProxmoxSDK.fromEnv();
      expect(clientOptions(px)).toMatchObject({ userid: 'automation@pve', tokenName: 'my-automation-token' });
      expect(JSON.stringify(clientOptions(px))).not.toContain(SECRET);
      await px.close();
    } finally {
      for (const key of Object.keys(seed)) if (!(key in saved)) delete process.env[key];
    }
  });
});

describe('optionsFromFile', () => {
  it('reads the seed credentials.json (snake_case keys)', async () => {
    const path = secretFile(
      'credentials.json',
      JSON.stringify({
        host: 'pve.example.com',
        user: 'automation@pve',
        token_name: 'my-automation-token',
        token_value: SECRET,
        verify_ssl: true,
      }),
    );
    await expect(optionsFromFile(path)).resolves.toEqual({
      host: 'pve.example.com',
      user: 'automation@pve',
      tokenName: 'my-automation-token',
      tokenValue: SECRET,
      verifySsl: true,
    });
  });

  it('reads YAML with camelCase keys and string numbers', async () => {
    const path = secretFile(
      'creds.yaml',
      'host: pve.example.com\nport: "8007"\nuser: root@pam\npassword: pw-secret\nservice: PBS\n',
    );
    await expect(optionsFromFile(path)).resolves.toMatchObject({
      port: 8007,
      service: 'PBS',
      password: 'pw-secret',
    });
  });

  it('reads a Kubernetes secret directory (files are keys, trailing newline stripped, ..data skipped)', async () => {
    const secretDir = join(dir, `${n++}-k8s`);
    const data = join(secretDir, '..2026_11_23_04_00_00.123');
    mkdirSync(data, { recursive: true });
    const values = {
      host: 'pve.example.com\n',
      user: 'automation@pve\n',
      token_name: 'my-automation-token',
      token_value: `${SECRET}\n`,
    };
    for (const [k, v] of Object.entries(values)) {
      writeFileSync(join(data, k), v, { mode: 0o400 });
      symlinkSync(join('..2026_11_23_04_00_00.123', k), join(secretDir, k));
    }
    symlinkSync('..2026_11_23_04_00_00.123', join(secretDir, '..data'));
    await expect(optionsFromFile(secretDir)).resolves.toEqual({
      host: 'pve.example.com',
      user: 'automation@pve',
      tokenName: 'my-automation-token',
      tokenValue: SECRET,
    });
  });

  it('refuses a file readable by others, with the chmod to run', async () => {
    const path = secretFile('open.json', JSON.stringify({ host: 'h', token_value: SECRET }), 0o644);
    const error = await optionsFromFile(path).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`chmod 600 ${path}`);
    expect((error as Error).message).toMatch(/group and others \(mode 0644\)/);
    expect(shown(error)).not.toContain(SECRET);
  });

  it('refuses a secret directory whose files are readable by others (defaultMode 0644)', async () => {
    const secretDir = join(dir, `${n++}-k8s-open`);
    mkdirSync(secretDir);
    writeFileSync(join(secretDir, 'host'), 'h', { mode: 0o644 });
    chmodSync(join(secretDir, 'host'), 0o644);
    await expect(optionsFromFile(secretDir)).rejects.toThrow(`chmod 600 ${join(secretDir, 'host')}`);
  });

  it('reports parse errors by position, never by content', async () => {
    const json = secretFile('bad.json', `{"host": "h",\n "token_value": "${SECRET}",,}`);
    const e1 = await optionsFromFile(json).catch((e: unknown) => e);
    expect((e1 as Error).message).toMatch(/not valid JSON \(line 2\)/);
    expect(shown(e1)).not.toContain(SECRET);
    const yaml = secretFile('bad.yaml', `host: h\ntoken_value: "${SECRET}\n  - [\n`);
    const e2 = await optionsFromFile(yaml).catch((e: unknown) => e);
    expect((e2 as Error).message).toMatch(/not valid YAML/);
    expect(shown(e2)).not.toContain(SECRET);
  });

  it('refuses unknown keys, naming the file and key', async () => {
    const path = secretFile('typo.json', JSON.stringify({ hots: 'h' }));
    await expect(optionsFromFile(path)).rejects.toThrow(`${path}: hots: unknown option 'hots'`);
  });

  it('runs tokenValueCommand; a failing command leaks neither output nor command', async () => {
    const ok = secretFile(
      'cmd.yaml',
      `host: h\nuser: u@pve\ntokenName: t\ntokenValueCommand: printf '%s\\n' ${SECRET}\n`,
    );
    await expect(optionsFromFile(ok)).resolves.toMatchObject({ tokenValue: SECRET });
    const bad = secretFile(
      'cmd-bad.yaml',
      `host: h\nuser: u@pve\npassword_command: echo ${SECRET}; echo not in store >&2; exit 3\n`,
    );
    const error = await optionsFromFile(bad).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /passwordCommand of .* failed: exit status 3 \(its output is not shown/,
    );
    expect(shown(error)).not.toContain(SECRET);
    // A command that prints the secret on stderr and fails: stderr is not quoted (issue 15.7).
    const loud = secretFile(
      'cmd-loud.yaml',
      `host: h\nuser: u@pve\npassword_command: echo ${SECRET} >&2; exit 4\n`,
    );
    const loudError = await optionsFromFile(loud).catch((e: unknown) => e);
    expect((loudError as Error).message).toMatch(/failed: exit status 4/);
    expect(shown(loudError)).not.toContain(SECRET);
    const empty = secretFile('cmd-empty.yaml', 'host: h\nuser: u@pve\npasswordCommand: "true"\n');
    await expect(optionsFromFile(empty)).rejects.toThrow(/printed nothing/);
  });

  it('ProxmoxSDK.fromFile builds a client', async () => {
    const path = secretFile(
      'c.json',
      JSON.stringify({ host: 'pve.example.com', user: 'a@pve', token_name: 't', token_value: SECRET }),
    );
    const px = await ProxmoxSDK.fromFile(path);
    expect(clientOptions(px)).toMatchObject({ tokenName: 't' });
    await px.close();
  });
});

describe('layering', () => {
  it('replaces credentials as a whole and keeps a token secret when only the name changes', () => {
    expect(layerOptions({ tokenName: 'a', tokenValue: 'x', host: 'h' }, { password: 'p' })).toEqual({
      host: 'h',
      password: 'p',
    });
    expect(layerOptions({ tokenName: 'a', tokenValueCommand: 'cmd' }, { tokenName: 'b' })).toEqual({
      tokenName: 'b',
      tokenValueCommand: 'cmd',
    });
    expect(layerOptions({ passwordCommand: 'cmd' }, { tokenName: 'b', tokenValue: 'v' })).toEqual({
      tokenName: 'b',
      tokenValue: 'v',
    });
    expect(layerOptions({ totpSecret: 'JBSWY3DP' }, { otp: '123456' })).toEqual({ otp: '123456' });
  });

  it('environment sits between profile and explicit options', async () => {
    const path = join(dir, `${n++}-layers`, 'config.yaml');
    await saveProfile(
      'lab',
      { host: 'profile-host', user: 'p@pve', tokenName: 'pt', tokenValueCommand: 'exit 9' },
      { path },
    );
    const env = { PROXMOX_HOST: 'env-host', PROXMOX_PASSWORD: 'env-pw' };
    // The environment's password replaces the profile's token, so the failing command never runs.
    await expect(optionsFromProfile('lab', { path, env })).resolves.toEqual({
      host: 'env-host',
      user: 'p@pve',
      password: 'env-pw',
    });
    await expect(
      optionsFromProfile('lab', { path, env, overrides: { host: 'code-host' } }),
    ).resolves.toMatchObject({
      host: 'code-host',
    });
    expect(environmentOptions({ PROXMOX_PROFILE: 'lab' })).toEqual({});
  });
});

/** The resolved options a client exposes at runtime (not part of its typed surface). */
function clientOptions(px: unknown): Record<string, unknown> {
  return (px as { options: Record<string, unknown> }).options;
}
