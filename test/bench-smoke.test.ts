/**
 * The bench harness still runs end to end: a tiny `bench/run.ts` (two clients, one short
 * round) must produce figures and a results file of the documented shape. It asserts no
 * speed: benchmarks print figures, they never fail CI on a number.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

// Inside the checkout (.tmp/ is ignored by git): the built package resolves its dependencies from node_modules.
mkdirSync('.tmp', { recursive: true });
const dir = mkdtempSync(join('.tmp', 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('bench/run.ts --quick --only version writes figures and the results file', () => {
  const out = join(dir, 'latest.json');
  const args = ['--import', 'tsx', 'bench/run.ts', '--quick', '--only', 'version', '--clients', 'sdk,floor'];
  args.push('--rounds', '1', '--round-ms', '100', '--settle-ms', '20', '--warmup-ms', '50', '--out', out);
  const env = { ...process.env, BENCH_PACKAGE_DIR: join(dir, 'pkg') };
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 150_000, env });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('Throughput: GET /version');

  const result = JSON.parse(readFileSync(out, 'utf8'));
  expect(result.machine).toMatchObject({ cores: expect.any(Number), node: process.version });
  expect(typeof result.machine.cpuModel).toBe('string');
  expect(result.sections).toHaveLength(1);
  const [section] = result.sections;
  expect(section.id).toBe('version');
  const rows = section.rows as Array<Record<string, unknown>>;
  expect(rows.map((r) => `${r.case} ${r.client}`)).toEqual([
    'c=1 sdk',
    'c=1 floor',
    'c=16 sdk',
    'c=16 floor',
    'c=64 sdk',
    'c=64 floor',
  ]);
  for (const row of rows) {
    expect(row['req/s']).toBeGreaterThan(0);
    expect(row.failures).toBe(0);
  }
}, 180_000);
