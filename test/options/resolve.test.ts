import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../../src/core/errors.js';
import { parseHost, resolveOptions } from '../../src/options/resolve.js';

const token = { user: 'ci@pve', tokenName: 'ci', tokenValue: 'secret-value' };

describe('parseHost', () => {
  it.each([
    ['pve.example.com', { hostname: 'pve.example.com', port: 8006, protocol: 'https' }],
    ['pve.example.com:9000', { hostname: 'pve.example.com', port: 9000, protocol: 'https' }],
    ['10.0.0.1', { hostname: '10.0.0.1', port: 8006, protocol: 'https' }],
    ['::1', { hostname: '::1', port: 8006, protocol: 'https' }],
    ['fe80::1:2', { hostname: 'fe80::1:2', port: 8006, protocol: 'https' }],
    ['[::1]:8443', { hostname: '::1', port: 8443, protocol: 'https' }],
    ['[::1]', { hostname: '::1', port: 8006, protocol: 'https' }],
    ['https://pve:8007/', { hostname: 'pve', port: 8007, protocol: 'https' }],
    ['http://pve', { hostname: 'pve', port: 8006, protocol: 'http' }],
  ])('%s', (given, want) => {
    expect(parseHost(given, 8006)).toEqual(want);
  });

  it.each(['pve:abc', 'ftp://pve', 'a b', 'pve:0', 'https://pve/api2', 'user@pve'])('refuses %s', (given) => {
    expect(() => parseHost(given, 8006)).toThrow(/option host/);
  });
});

describe('resolveOptions', () => {
  it('fills defaults per service, case-insensitive service names', () => {
    const pbs = resolveOptions({ host: 'b', service: 'pbs', ...token });
    expect(pbs.service.name).toBe('PBS');
    expect(pbs.hosts[0]!.port).toBe(8007);
    expect(pbs.verifySsl).toBe(true);
    expect(pbs.auth).toBe('token');
    expect(resolveOptions({ host: 'p', user: 'root@pam', password: 'x' }).hosts[0]!.port).toBe(8006);
    expect(Object.isFrozen(pbs)).toBe(true);
  });

  it('qualifies users: pam by default, the realm option, PMG quarantine', () => {
    expect(resolveOptions({ host: 'h', user: 'root', password: 'x' }).userid).toBe('root@pam');
    expect(resolveOptions({ host: 'h', user: 'bob', realm: 'pve', password: 'x' }).userid).toBe('bob@pve');
    expect(resolveOptions({ host: 'h', service: 'PMG', user: 'bob', password: 'x' }).userid).toBe(
      'bob@quarantine',
    );
  });

  it.each([
    ['unknown keys', { host: 'h', hots: 'x' }, /unknown option 'hots'/],
    [
      'snake_case keys, naming the camelCase twin',
      { host: 'h', token_name: 'x' },
      /did you mean 'tokenName'/,
    ],
    ['a bad port', { host: 'h', port: 70000, ...token }, /option port/],
    ['a bad service', { host: 'h', service: 'XYZ', ...token }, /option service/],
    ['a token on PMG', { host: 'h', service: 'PMG', ...token }, /PMG does not accept API tokens/],
    ['half a token', { host: 'h', user: 'u@pve', tokenName: 'x' }, /give both/],
    ['no credentials for https', { host: 'h' }, /give user and password/],
    ['no host for https', { ...token }, /option host: required/],
    ['http without opting in', { host: 'http://h', ...token }, /allowInsecureHttp/],
    ['a malformed fingerprint', { host: 'h', fingerprint: 'abc', ...token }, /option fingerprint/],
    ['a negative timeout', { host: 'h', timeout: -1, ...token }, /option timeout/],
    [
      'otp and totpSecret together',
      { host: 'h', user: 'u', password: 'p', otp: '123456', totpSecret: 'JBSWY3DP' },
      /one source/,
    ],
  ])('refuses %s with InvalidArgumentError', (_name, given, message) => {
    try {
      resolveOptions(given as never);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidArgumentError(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('secret-value');
    }
  });

  it('accepts ssh_paramiko as another name for ssh, and local without a host', () => {
    expect(resolveOptions({ host: 'h', user: 'root', backend: 'ssh_paramiko' }).backend).toBe('ssh');
    expect(resolveOptions({ backend: 'local' }).auth).toBe('none');
  });
});
