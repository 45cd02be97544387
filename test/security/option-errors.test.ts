/**
 * Option errors that must not quote a secret, and options that must be refused at
 * construction rather than fail on every call (issue 15.2, 15.10, 15.12).
 */
import { describe, expect, it } from 'vitest';
import { environmentOptions } from '../../src/config/config.js';
import { normalizeStored } from '../../src/config/stored-options.js';
import { jsonBody } from '../../src/core/encode.js';
import { isInvalidArgumentError, ProxmoxSDK } from '../../src/index.js';
import { captureClient } from '../fuzz/capture.js';

const SECRET = 'Kq7v/Zt3x:Wm4q Rd8w@9f3e';

function refusal(make: () => unknown): Error {
  try {
    make();
  } catch (error) {
    expect(isInvalidArgumentError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('issue 15.2: credentials inside host', () => {
  const hosts = [
    `https://root:${SECRET}@pve.example.com:8006`,
    `root:${SECRET}@pve.example.com`,
    `  https://root:${SECRET}@pve.example.com`,
    `\thttps://root:${SECRET}@pve.example.com/`,
    `https://root:${encodeURIComponent(SECRET)}@pve.example.com`,
    `pve.example.com,root:${SECRET}@pve2.example.com`,
  ];
  it.each(hosts)('%j is refused without quoting any of it (SDK and PROXMOX_HOST)', (host) => {
    for (const make of [
      () => new ProxmoxSDK({ host, user: 'root@pam', password: 'x' }),
      () =>
        new ProxmoxSDK({ ...environmentOptions({ PROXMOX_HOST: host }), user: 'root@pam', password: 'x' }),
    ]) {
      const error = refusal(make);
      expect(error.message).toMatch(/option host: carries credentials/);
      for (const part of SECRET.split(/[/: @]/)) expect(error.message).not.toContain(part);
      expect(JSON.stringify(error)).not.toContain('9f3e');
    }
  });
  it('other host errors quote the host, trimmed and with control characters shown as ?', () => {
    expect(
      refusal(() => new ProxmoxSDK({ host: ' pve:x\u001b[31m ', user: 'r@pam', password: 'x' })).message,
    ).toBe("option host: 'pve:x?[31m' has an invalid port");
    expect(
      refusal(() => new ProxmoxSDK({ host: 'pve\u0007', user: 'r@pam', password: 'x' })).message,
    ).toMatch(/is not a host name/);
  });
});

describe('issue 15.10: option names and parameters from Object.prototype', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'option %s is unknown, in code and in stored options',
    (key) => {
      const options = JSON.parse(`{"host":"h","user":"u@pam","password":"p","${key}":1}`);
      expect(refusal(() => new ProxmoxSDK(options)).message).toBe(`unknown option '${key}'`);
      expect(refusal(() => normalizeStored(JSON.parse(`{"${key}":1}`), () => 'file')).message).toBe(
        `file: unknown option '${key}'`,
      );
    },
  );

  it('a __proto__ parameter travels in JSON bodies as it does in form bodies', async () => {
    const params = JSON.parse('{"__proto__":"x","name":"y"}');
    expect(jsonBody(params, 'int')).toBe('{"__proto__":"x","name":"y"}');
    const { px, seen } = captureClient({ bodyEncoding: 'json' });
    await px.request('POST /nodes/{node}/qemu', { node: 'pve1', ...params });
    expect(seen[0]!.body?.toString()).toBe('{"__proto__":"x","name":"y"}');
  });

  it('stored options that fail to parse never quote the value (it may be a secret on the wrong line)', () => {
    for (const [key, value] of [
      ['port', SECRET],
      ['verify_ssl', SECRET],
      ['timeout', SECRET],
    ]) {
      const error = refusal(() => normalizeStored({ [key!]: value }, (k) => `creds.yaml: ${k}`));
      expect(error.message).toMatch(/^creds\.yaml: \w+: expected (a number|true or false)/);
      expect(error.message).not.toContain('9f3e');
    }
    expect(refusal(() => environmentOptions({ PROXMOX_VERIFY_SSL: SECRET })).message).not.toContain('9f3e');
  });
});

describe('issue 15.12: CR, LF and other control characters in what travels in headers', () => {
  const token = { host: 'h', user: 'u@pve', tokenName: 't', tokenValue: 'v-secret-1234' };
  it.each([
    ['tokenValue', { tokenValue: 'v-secret\r\nX-Evil: 1' }],
    ['tokenValue', { tokenValue: 'v-secret\n' }],
    ['tokenName', { tokenName: 't\r\n' }],
    ['tokenName', { tokenName: 't\u0000' }],
    ['user', { user: 'u@pve\r\nX-Evil: 1' }],
  ])('%s with a control character is refused at construction, without quoting it', (key, change) => {
    const error = refusal(() => new ProxmoxSDK({ ...token, ...change }));
    expect(error.message).toMatch(
      new RegExp(`^option ${key}: expected .*(without control characters|of printable ASCII)$`),
    );
    expect(error.message).not.toContain('secret\r');
  });
  it.each([
    ['tokenValue', { tokenValue: 'v-sécret-€' }],
    ['tokenValue', { tokenValue: 'v-secret-😀' }],
    ['tokenName', { tokenName: 'tö' }],
  ])('%s outside printable ASCII (which no header could carry) is refused at construction', (key, change) => {
    const error = refusal(() => new ProxmoxSDK({ ...token, ...change }));
    expect(error.message).toBe(
      `option ${key}: expected ${key === 'tokenName' ? 'the token id' : 'the token secret'}, a non-empty string of printable ASCII`,
    );
  });
  it('a non-ASCII user with a token is refused at construction; with a password it is sent in the body', () => {
    const error = refusal(() => new ProxmoxSDK({ ...token, user: 'jörg@pve' }));
    expect(error.message).toBe(
      "option user: an API token's user travels in the Authorization header and must be printable ASCII; log in with user and password instead",
    );
    expect(() => new ProxmoxSDK({ host: 'h', user: 'jörg@pve', password: 'pw' })).not.toThrow();
  });
  it('a password may hold any character: it travels in the body, encoded', () => {
    expect(() => new ProxmoxSDK({ host: 'h', user: 'u@pve', password: 'a\r\nb' })).not.toThrow();
  });
});
