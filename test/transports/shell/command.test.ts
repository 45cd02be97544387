import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../../../src/core/errors.js';
import { SERVICES } from '../../../src/core/services.js';
import {
  buildShellArgv,
  decodeApiPath,
  paramArgs,
  quoteShellArg,
  toShellCommandLine,
} from '../../../src/transports/shell/command.js';

const PVE = SERVICES.PVE;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('buildShellArgv', () => {
  it('builds pvesh with the output flag, verbs mapped from methods', () => {
    expect(buildShellArgv(PVE, { method: 'GET', path: '/nodes', params: {} })).toEqual([
      'pvesh',
      'get',
      '/nodes',
      '--output-format',
      'json',
    ]);
    const verbs = (['GET', 'POST', 'PUT', 'DELETE'] as const).map(
      (method) => buildShellArgv(PVE, { method, path: '/x', params: {} })[1],
    );
    expect(verbs).toEqual(['get', 'create', 'set', 'delete']);
  });

  it('builds pmgsh without an output flag and PBS with --key options', () => {
    expect(buildShellArgv(SERVICES.PMG, { method: 'GET', path: '/version', params: { a: 1 } })).toEqual([
      'pmgsh',
      'get',
      '/version',
      '-a',
      '1',
    ]);
    expect(
      buildShellArgv(SERVICES.PBS, {
        method: 'POST',
        path: '/admin/datastore',
        params: { name: 'ds', 'gc-schedule': 'daily' },
      }),
    ).toEqual([
      'proxmox-backup-debug',
      'api',
      'create',
      '/admin/datastore',
      '--name',
      'ds',
      '--gc-schedule',
      'daily',
      '--output-format',
      'json',
    ]);
  });

  it('refuses PDM, which has no shell tool', () => {
    const e = thrown(() => buildShellArgv(SERVICES.PDM, { method: 'GET', path: '/version', params: {} }));
    expect(isInvalidArgumentError(e)).toBe(true);
    expect((e as Error).message).toMatch(/PDM has no shell tool/);
  });

  it('encodes booleans as 1/0, repeats arrays, drops undefined and null', () => {
    expect(
      paramArgs({
        start: true,
        force: false,
        vmid: 100,
        net0: 'virtio,bridge=vmbr0',
        a: undefined,
        b: null,
        tags: ['x', 'y'],
      }),
    ).toEqual([
      '-start',
      '1',
      '-force',
      '0',
      '-vmid',
      '100',
      '-net0',
      'virtio,bridge=vmbr0',
      '-tags',
      'x',
      '-tags',
      'y',
    ]);
  });

  it('passes agent/exec command as one -command per argument', () => {
    const argv = buildShellArgv(PVE, {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/agent/exec',
      params: { command: ['ls', '-la', '/tmp dir'] },
    });
    expect(argv.slice(3, 9)).toEqual(['-command', 'ls', '-command', '-la', '-command', '/tmp dir']);
  });

  it('decodes the percent-encoded path segments for the tool', () => {
    expect(decodeApiPath('/nodes/pve1/storage/local/content/local%3Aiso%2Fx%20y.iso')).toBe(
      '/nodes/pve1/storage/local/content/local:iso/x y.iso',
    );
    expect(isInvalidArgumentError(thrown(() => decodeApiPath('/nodes/%E0%A4%A')))).toBe(true);
  });

  it('prefixes sudo -n when asked', () => {
    expect(
      buildShellArgv(PVE, { method: 'GET', path: '/version', params: {} }, { sudo: true }).slice(0, 4),
    ).toEqual(['sudo', '-n', '--', 'pvesh']);
  });

  it('refuses NUL characters, non-finite numbers and parameter names that are not names', () => {
    for (const params of [{ a: 'x\0y' }, { a: Number.NaN }, { '-output-format': 'text' }, { 'a b': 1 }]) {
      expect(
        isInvalidArgumentError(thrown(() => buildShellArgv(PVE, { method: 'GET', path: '/x', params }))),
      ).toBe(true);
    }
  });
});

/** What a real POSIX shell makes of the command line: its argv, NUL-separated by printf. */
function throughShell(shell: string, args: readonly string[]): string[] {
  // The leading marker keeps printf from printing one empty field when args is empty.
  const line = `printf '%s\\0' marker ${toShellCommandLine(args)}`;
  const out = execFileSync(shell, ['-c', line], { encoding: 'utf8' });
  return out.split('\0').slice(1, -1);
}

const HOSTILE = [
  'a b',
  "it's",
  '"double"',
  '; touch /tmp/pwned-by-sdk-test',
  '$(touch /tmp/pwned-by-sdk-test)',
  '`touch /tmp/pwned-by-sdk-test`',
  'line1\nline2',
  '*',
  '~',
  '$HOME',
  '\\',
  "'\\''",
  '-x',
  '',
  'a=b',
  '{a,b}',
  '&&',
  '|',
  '>out',
  '#comment',
  '\t',
  'ünïcödé ✓',
];

describe('quoteShellArg', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(quoteShellArg('/nodes/pve1')).toBe('/nodes/pve1');
    expect(quoteShellArg('a b')).toBe("'a b'");
    expect(quoteShellArg("it's")).toBe("'it'\\''s'");
    expect(quoteShellArg('')).toBe("''");
  });

  for (const shell of ['/bin/sh', '/bin/bash']) {
    it(`hostile values reach the program unchanged through ${shell}`, () => {
      expect(throughShell(shell, HOSTILE)).toEqual(HOSTILE);
      expect(existsSync('/tmp/pwned-by-sdk-test')).toBe(false);
    });

    it(`any string without NUL survives ${shell} (property)`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.string({ unit: fc.constantFrom(...'ab \'"$`\\;|&(){}*?[]~#!\n\t=%-/'.split(''), 'é') }),
            { maxLength: 6 },
          ),
          fc.array(
            fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
            { maxLength: 3 },
          ),
          (a, b) => {
            const args = [...a, ...b];
            expect(throughShell(shell, args)).toEqual(args);
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
