/** pvesh's argument syntax, without the schema. */
import { describe, expect, it } from 'vitest';
import { normalizeApiPath, type OptionTable, parseArgs, UsageError } from '../../src/cli/args.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import {
  AuthenticationError,
  ConnectionError,
  ResourceException,
  TaskFailedError,
} from '../../src/core/errors.js';

const table: OptionTable = {
  'output-format': { value: true, singleDash: true, help: '' },
  noborder: { value: false, singleDash: true, help: '' },
  timeout: { value: true, help: '' },
  wait: { value: false, help: '' },
  help: { value: false, short: 'h', help: '' },
};

describe('parseArgs', () => {
  it.each([
    ['-vmid 100', { vmid: '100' }],
    ['--vmid 100', { vmid: '100' }],
    ['-vmid=100', { vmid: '100' }],
    ['--vmid=100', { vmid: '100' }],
    ['-start', { start: '1' }],
    ['-start -vmid 1', { start: '1', vmid: '1' }],
    ['-delta -5', { delta: '-5' }],
    ['-value=-x', { value: '-x' }],
    // A key seen with a value before takes the next word as its value (`agent/exec -command`).
    ['-command ls -command -l', { command: ['ls', '-l'] }],
    ['-command -l', { command: '1', l: '1' }],
    ['-command=-l', { command: '-l' }],
    ['-tags a -tags b -tags c', { tags: ['a', 'b', 'c'] }],
    ['-net[n] x', { 'net[n]': 'x' }],
    ['-timeout 60', { timeout: '60' }],
  ])('%s', (line, params) => {
    expect(parseArgs(line.split(' '), table).params).toEqual(params);
  });

  it('keeps CLI options apart: double dash only, except pvesh output options', () => {
    const p = parseArgs(
      ['/x', '--timeout', '5', '-output-format', 'json', '--noborder', '0', '--wait', '-h'],
      table,
    );
    expect(p.positionals).toEqual(['/x']);
    expect(p.options).toEqual({
      timeout: '5',
      'output-format': 'json',
      noborder: '0',
      wait: true,
      help: true,
    });
    expect(p.params).toEqual({});
  });

  it('-- ends options', () => {
    expect(parseArgs(['--', '-x'], table).positionals).toEqual(['-x']);
  });

  it('refuses unknown options where parameters are not allowed, and options without values', () => {
    expect(() => parseArgs(['-x'], table, false)).toThrow(UsageError);
    expect(() => parseArgs(['--timeout'], table)).toThrow(/needs a value/);
    expect(() => parseArgs(['--noborder=maybe'], table)).toThrow(/boolean/);
  });
});

describe('normalizeApiPath', () => {
  it.each([
    ['nodes', '/nodes', '/nodes'],
    ['/nodes//pve1/', '/nodes/pve1', '/nodes/pve1'],
    ['/', '/', '/'],
    ['/nodes/pve 1', '/nodes/pve 1', '/nodes/pve%201'],
  ])('%s', (raw, display, encoded) => {
    expect(normalizeApiPath(raw)).toEqual({ display, encoded });
  });
  // The rest-of-path mounts of src/core/path-ids.ts (pve-common RESTHandler.pm
  // map_path_to_methods joins the fragments after a fragmentDelimiter '' mount).
  it('takes the rest of a storage content or IP set path as one id, as the Proxmox router does', () => {
    expect(normalizeApiPath('/nodes/pve1/storage/local/content/local:iso/x.iso')).toEqual({
      display: '/nodes/pve1/storage/local/content/local:iso/x.iso',
      encoded: '/nodes/pve1/storage/local/content/local%3Aiso%2Fx.iso',
    });
    expect(normalizeApiPath('/nodes/pve1/storage/local/content/local:iso%2Fx.iso').encoded).toBe(
      '/nodes/pve1/storage/local/content/local%3Aiso%2Fx.iso',
    );
    expect(normalizeApiPath('/cluster/firewall/ipset/lan/10.0.0.0/8').encoded).toBe(
      '/cluster/firewall/ipset/lan/10.0.0.0%2F8',
    );
    expect(normalizeApiPath('/config/mynetworks/10.0.0.0/8', 'PMG').encoded).toBe(
      '/config/mynetworks/10.0.0.0%2F8',
    );
    expect(normalizeApiPath('/nodes/pve1/storage/local/content').encoded).toBe(
      '/nodes/pve1/storage/local/content',
    );
  });
  it("refuses '/' inside any other id, typed as %2F (pveproxy unescapes the path before it splits it)", () => {
    expect(() => normalizeApiPath('/nodes/pve1%2Fqemu/qemu')).toThrow(
      "path id 'pve1/qemu' contains '/', which PVE reads as a path separator",
    );
    expect(() => normalizeApiPath('/config/mynetworks/10.0.0.0%2F8/x', 'PVE')).toThrow(UsageError);
  });
  it('needs a path', () => {
    expect(() => normalizeApiPath(undefined)).toThrow(UsageError);
  });
});

describe('exit codes', () => {
  const resource = (statusCode: number, message: string) =>
    new ResourceException(message, { statusCode, statusMessage: message });
  it.each([
    [new UsageError('x'), 2],
    [new AuthenticationError('x'), 3],
    [resource(403, 'Permission check failed'), 3],
    [resource(404, 'Not Found'), 4],
    [resource(500, "Configuration file 'nodes/pve1/qemu-server/9.conf' does not exist"), 4],
    [resource(400, 'Parameter verification failed.'), 2],
    [resource(500, 'VM 100 already running'), 1],
    [new TaskFailedError('x', { upid: 'UPID:x', exitStatus: 'boom' }), 5],
    [new ConnectionError('x'), 6],
    [new Error('x'), 1],
  ])('%s -> %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});
