/** `ls`, `usage` and `help`: from the generated schema, and `ls` live against the server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, connectFlags, proxmox, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator();
  env = baseEnv(await tempConfigHome());
});
afterAll(() => sim?.close());

const run = (args: string[], input?: string) => proxmox(args, { env, ...(input ? { input } : {}) });

describe('ls', () => {
  it('lists the children of / with pvesh capabilities, no border, no header, sorted by name', async () => {
    const r = await run(['ls', '/']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain('Dr---        nodes');
    expect(lines).toContain('-r---        version');
    expect(lines.every((l) => /^[D-][r-][w-][c-][d-] {8}\S+$/.test(l))).toBe(true);
    const names = lines.map((l) => l.slice(13));
    expect(names).toEqual([...names].sort());
  });

  it('shows parameter children as templates without a connection', async () => {
    const r = await run(['ls', '/nodes', '--output-format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual([{ name: '{node}', capabilities: 'Dr---' }]);
    const qemu = await run(['ls', 'nodes/pve1/qemu/100']);
    expect(qemu.stdout).toMatch(/^Dr--- +status$/m);
  });

  it('asks the server for the names when connected, like pvesh', async () => {
    const r = await run(['ls', '/nodes', ...connectFlags(sim), '--password-stdin'], 'proxmox\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'Dr---        pve1',
      'Dr---        pve2',
      'Dr---        pve3',
    ]);
    const schemaOnly = await run(['ls', '/nodes', '--schema', ...connectFlags(sim)]);
    expect(schemaOnly.stdout).toContain('{node}');
  });

  it('can draw borders and headers on request', async () => {
    const r = await run(['ls', '/', '--noborder', '0', '--noheader', '0']);
    expect(r.stdout).toMatch(/^┌/);
    expect(r.stdout).toMatch(/│ capabilities │ name +│/);
  });

  it('exits 4 for an unknown path and 2 for a leaf', async () => {
    expect((await run(['ls', '/nope'])).code).toBe(4);
    expect((await run(['ls', '/version'])).code).toBe(2);
  });

  it('knows the other products', async () => {
    const r = await run(['ls', '/', '--service', 'pbs']);
    expect(r.stdout).toMatch(/ admin$/m);
  });
});

describe('usage', () => {
  it('prints one USAGE line per command with required parameters', async () => {
    const r = await run(['usage', '/nodes/{node}/qemu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'USAGE: proxmox get /nodes/{node}/qemu [OPTIONS]\nUSAGE: proxmox create /nodes/{node}/qemu --vmid <integer> [OPTIONS]\n',
    );
  });

  it("--verbose lists parameters in pvesh's layout: --name, type, range, default, property strings", async () => {
    const r = await run(['usage', '/nodes/pve1/qemu', '--command', 'create', '--verbose']);
    expect(r.stdout).toMatch(/^USAGE: proxmox create \/nodes\/pve1\/qemu --vmid <integer> \[OPTIONS\]$/m);
    expect(r.stdout).toMatch(/^ {2}--vmid +<integer> \(100 - 999999999\)$/m);
    expect(r.stdout).toMatch(/^ {2}--ostype +<l24 \| l26 \| other .*> +\(default=other\)$/m);
    expect(r.stdout).toMatch(/^ {2}--cores +<integer> \(1 - N\) +\(default=1\)$/m);
    expect(r.stdout).toMatch(/^ {2}--net\[n\] +.*bridge=<pve-bridge-id>/m);
    expect(r.stdout).toMatch(/Starts a task/);
    expect(r.stdout).not.toMatch(/-node /);
  });

  it('--returns prints the return schema as pvesh does: keys sorted, three-space indent', async () => {
    const r = await run(['usage', '/version', '--returns']);
    const returns = r.stdout.slice(r.stdout.indexOf('RETURNS: ') + 9);
    expect(returns.split('\n').slice(0, 3)).toEqual(['{', '   "properties" : {', '      "console" : {']);
    expect(returns.indexOf('"release"')).toBeLessThan(returns.indexOf('"repoid"'));
    expect(returns).toMatch(/\n {3}"type" : "object"\n\}\n$/);
  });

  it('exits 4 when the path or command does not exist', async () => {
    expect((await run(['usage', '/nope'])).code).toBe(4);
    const r = await run(['usage', '/version', '--command', 'delete']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/no 'delete' handler for '\/version'/);
  });
});

describe('help', () => {
  it('lists every command', async () => {
    const r = await run(['help']);
    for (const c of [
      'get',
      'create',
      'set',
      'delete',
      'ls',
      'usage',
      'config',
      'mock',
      'completion',
      'help',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
    expect((await run([])).stdout).toBe(r.stdout);
    expect((await run(['--help'])).stdout).toBe(r.stdout);
  });

  it('help <command> and <command> --help say the same', async () => {
    for (const c of ['get', 'ls', 'usage', 'config', 'mock', 'completion']) {
      const a = await run(['help', c]);
      const b = await run([c, '--help']);
      expect(a.code).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      expect(a.stdout).toMatch(new RegExp(`^  proxmox (\\[options\\] )?${c}`, 'm'));
    }
    expect((await run(['get', '-h'])).stdout).toMatch(/--output-format/);
  });

  it('--version prints the package version', async () => {
    expect((await run(['--version'])).stdout).toMatch(/^proxmox \d+\.\d+\.\d+/);
  });
});
