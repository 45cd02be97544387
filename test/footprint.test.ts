/**
 * The footprint script's offline parts (scripts/footprint/): the 50 calls render for both
 * libraries, tsc's diagnostics are read, an install is walked, and the table's ratios are
 * ours over theirs. The script itself needs the registry and stays out of npm test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import manifest from '../package.json' with { type: 'json' };
import { CALLS, callsModule, peerCall, sdkCall } from '../scripts/footprint/calls.js';
import {
  filesOf,
  mb,
  measureInstall,
  median,
  parseDiagnostics,
  table,
} from '../scripts/footprint/figures.js';
import { optionalPeers, peerTable } from '../scripts/footprint/peers.js';

const dir = mkdtempSync(join(tmpdir(), 'footprint-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the 50 calls', () => {
  it('are fifty, rendered in each library’s tree', () => {
    expect(CALLS).toHaveLength(50);
    const start = CALLS.find(([s, verb]) => verb === 'post' && s.at(-1) === 'start')!;
    expect(sdkCall(start)).toBe('px.nodes("pve1").qemu(100).status.start.post()');
    expect(peerCall(start)).toBe('pa.nodes.$("pve1").qemu.$(100).status.start.$post()');
    const fsinfo = CALLS.find(([s]) => s.at(-1) === 'get-fsinfo')!;
    expect(sdkCall(fsinfo)).toBe('px.nodes("pve1").qemu(100).agent["get-fsinfo"].get()');
    const resources = CALLS.find(([s]) => s.at(-1) === 'resources')!;
    expect(peerCall(resources)).toBe("pa.cluster.resources.$get({ type: 'vm' })");
  });

  it('make one module that awaits and returns every result', () => {
    const text = callsModule('declare const px: any;', CALLS.map(sdkCall));
    expect(text.match(/= await px/g)).toHaveLength(50);
    expect(text).toContain('return [r0, r1,');
  });
});

describe('figures', () => {
  it('reads tsc --extendedDiagnostics and --listFiles output', () => {
    const output = [
      '/repo/node_modules/typescript/lib/lib.es2023.d.ts',
      '/tmp/x/node_modules/proxmox-sdk/dist/index.d.cts',
      '/tmp/x/node_modules/undici/types/index.d.ts',
      'calls.ts(3,1): error TS2339: Property does not exist.',
      'Files:                          82',
      'Memory used:                 168214K',
      'Check time:                    0.35s',
      'Total time:                    3.99s',
    ].join('\n');
    expect(parseDiagnostics(output)).toEqual({
      checkTime: 0.35,
      totalTime: 3.99,
      memoryKb: 168214,
      files: 82,
      errors: 1,
    });
    expect(filesOf(output, 'proxmox-sdk')).toEqual(['/tmp/x/node_modules/proxmox-sdk/dist/index.d.cts']);
    expect(() => parseDiagnostics('error: no inputs')).toThrow(/Check time/);
  });

  it('walks an install: bytes of every file, packages nested and scoped', () => {
    const nm = join(dir, 'node_modules');
    const pkg = (at: string, bytes: number) => {
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, 'package.json'), '{}');
      writeFileSync(join(at, 'index.js'), 'x'.repeat(bytes));
    };
    pkg(join(nm, 'a'), 100);
    pkg(join(nm, '@s', 'b'), 10);
    pkg(join(nm, 'a', 'node_modules', 'c'), 1);
    mkdirSync(join(nm, '.bin'));
    const size = measureInstall(nm);
    expect(size.names).toEqual(['@s/b', 'a', 'c']);
    expect(size.packages).toBe(3);
    expect(size.bytes).toBe(3 * 2 + 100 + 10 + 1);
  });

  it('takes medians and prints ours over theirs', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const sizes = [1024 * 1024, 2 * 1024 * 1024, 4 * 1024 * 1024];
    const text = table([{ label: 'size', values: sizes, format: mb }], ['us', 'us/pve', 'them']);
    expect(text.split('\n')[0]).toBe('| | us | us/pve | them | us / them | us/pve / them |');
    expect(text.split('\n')[2]).toBe('| size | 1.00 MB | 2.00 MB | 4.00 MB | 0.25x | 0.50x |');
  });
});

describe('optional peers', () => {
  it("are this package's peers, each optional, each saying what it enables", () => {
    const peers = optionalPeers(manifest);
    expect(peers.map((p) => p.name).sort()).toEqual(Object.keys(manifest.peerDependencies).sort());
    expect(peers.find((p) => p.name === 'yaml')).toMatchObject({
      spec: `yaml@${manifest.devDependencies.yaml}`,
    });
    expect(peers.find((p) => p.name === 'ssh2')!.enables).toMatch(/ssh/);
    expect(peers.find((p) => p.name === 'ws')!.enables).toMatch(/console/);
  });

  it('refuses a peer that is required or undescribed', () => {
    expect(() => optionalPeers({ peerDependencies: { ws: '^8' } })).toThrow(/not optional/);
    expect(() =>
      optionalPeers({ peerDependencies: { left: '^1' }, peerDependenciesMeta: { left: { optional: true } } }),
    ).toThrow(/say what it enables/);
  });

  it('prints a row per peer with what installing it adds', () => {
    const text = peerTable(
      [{ name: 'yaml', spec: 'yaml@2.9.1', enables: 'more YAML' }],
      [{ bytes: 1024 * 1024, packages: 1, names: ['yaml'] }],
      mb,
    );
    expect(text.split('\n')[2]).toBe('| `yaml@2.9.1` | more YAML | 1.00 MB | 1 (yaml) |');
  });
});
