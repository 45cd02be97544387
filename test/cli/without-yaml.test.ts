/**
 * The profile commands and `--output-format yaml` with the `yaml` package absent (issue
 * 19.1: it is an optional peer now). The built package is copied into a project whose
 * node_modules holds its runtime dependencies and nothing else, so that `require('yaml')`
 * fails there as it does for a user who did not install it.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, cliBin, REPO, runCollecting, tempConfigHome } from './helpers.js';

let project: string;
let bin: string;
let env: NodeJS.ProcessEnv;
let home: string;
const SECRET = 'Without-Yaml-Secret-4471';

beforeAll(async () => {
  await cliBin();
  project = await mkdtemp(join(tmpdir(), 'proxmox-no-yaml-'));
  const pkg = join(project, 'node_modules', 'proxmox-sdk');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(REPO, 'dist'), join(pkg, 'dist'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  writeFileSync(join(pkg, 'package.json'), readFileSync(join(REPO, 'package.json')));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    symlinkSync(join(REPO, 'node_modules', dep), join(project, 'node_modules', dep));
  }
  bin = join(pkg, 'dist', 'cli.js');
  home = await tempConfigHome();
  env = baseEnv(home, { NODE_PATH: '' });
}, 120_000);
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

const run = (...args: string[]) => runCollecting(process.execPath, [bin, ...args], env);

describe('without the yaml package', () => {
  it('yaml is not resolvable from the copied package', async () => {
    const probe = await runCollecting(
      process.execPath,
      ['-e', `require(require('node:module').createRequire(${JSON.stringify(bin)}).resolve('yaml'))`],
      env,
    );
    expect(probe.code).not.toBe(0);
    expect(probe.stderr).toMatch(/Cannot find module 'yaml'/);
  });

  it('config add, list, show, use and remove work, and the file is YAML', async () => {
    const add = await run('config', 'add', 'lab', '--backend', 'mock', '--user', 'root@pam', '--no-secret');
    expect(add.code).toBe(0);
    expect(
      (await run('config', 'add', 'ci', '--backend', 'mock', '--user', 'ci@pve', '--no-secret')).code,
    ).toBe(0);
    expect((await run('config', 'use', 'ci')).code).toBe(0);
    const list = JSON.parse((await run('config', 'list', '--output-format', 'json')).stdout) as {
      name: string;
      default: number;
    }[];
    expect(list.map((p) => [p.name, p.default])).toEqual([
      ['ci', 1],
      ['lab', 0],
    ]);
    const file = readFileSync(join(home, 'proxmox/config.yaml'), 'utf8');
    expect(file).toMatch(/^profiles:\n {2}lab:\n {4}user: root@pam\n/);
    expect(file).toMatch(/\ndefault: ci\n/);
    const shown = await run('config', 'show', 'lab', '--output-format', 'yaml');
    expect(shown.code).toBe(0);
    expect(shown.stdout.startsWith('---\n')).toBe(true);
    expect(shown.stdout).toMatch(/user: root@pam/);
    expect((await run('config', 'remove', 'lab')).code).toBe(0);
    expect(readFileSync(join(home, 'proxmox/config.yaml'), 'utf8')).not.toMatch(/lab/);
  });

  it('a hand-edited config with comments keeps them through an edit', async () => {
    const path = join(home, 'proxmox/config.yaml');
    writeFileSync(path, '# my store\nprofiles:\n  ci: # the CI one\n    backend: mock\n    user: ci@pve\n', {
      mode: 0o600,
    });
    expect(
      (await run('config', 'add', 'x', '--backend', 'mock', '--user', 'x@pve', '--no-secret')).code,
    ).toBe(0);
    expect(readFileSync(path, 'utf8')).toMatch(/^# my store\nprofiles:\n {2}ci: # the CI one\n/);
  });

  it('YAML beyond our reader fails with the feature, the line and npm install yaml, no value', async () => {
    const path = join(home, 'proxmox/config.yaml');
    writeFileSync(path, `profiles:\n  a:\n    password: &pw ${SECRET}\n`, { mode: 0o600 });
    const r = await run('config', 'list');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/line 3: anchors \(&name\) need the yaml package \(npm install yaml\)/);
    expect(r.stderr).not.toContain(SECRET);
  });
});
