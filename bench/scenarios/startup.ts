/**
 * Scenario 6: what a user waits for before the first line of their own code runs, and a
 * whole `proxmox get /version`. Each variant runs `startupReps` times, interleaved so
 * that a burst of load from others spreads over all of them; medians. Besides wall time
 * (what the targets compare), each process reports its own CPU time at exit
 * (bench/lib/report-cpu.mjs), which load from other processes disturbs far less.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.js';
import { PACKAGE_DIR } from '../lib/package-build.js';
import { median } from '../lib/stats.js';
import { timedRun } from '../lib/timed-run.js';
import { check, emptySection, type Section } from '../report.js';

const COLUMNS = ['variant', 'ms', 'over node -e 0', 'x node -e 0', 'cpu ms', 'cpu over node -e 0'];
const REPORT_CPU = fileURLToPath(new URL('../lib/report-cpu.mjs', import.meta.url));

interface Variant {
  name: string;
  args: string[];
  input?: string;
}

async function variants(ctx: BenchContext, section: Section): Promise<Variant[]> {
  // By name, run from the package's directory: Node resolves a package's own name through its exports.
  const list: Variant[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'import (ESM)', args: ['--input-type=module', '-e', "await import('proxmox-sdk')"] },
    { name: 'require (CJS)', args: ['-e', "require('proxmox-sdk')"] },
  ];
  const cli = resolve(PACKAGE_DIR, 'dist/cli.js');
  if (!existsSync(cli)) {
    section.notes.push('the build has no dist/cli.js yet: no CLI row');
    return list;
  }
  const t = (await ctx.demoSim()).target;
  list.push({
    name: 'proxmox get /version',
    args: [
      cli,
      ...['get', '/version', '--host', t.host, '--port', String(t.port), '--user', t.user],
      ...['--token-name', t.tokenName, '--fingerprint', t.fingerprint, '--token-value-stdin'],
    ],
    input: `${t.tokenValue}\n`,
  });
  return list;
}

export async function startup(ctx: BenchContext): Promise<Section> {
  const section = emptySection(
    'startup',
    'Start-up (the built package, by name from its directory)',
    COLUMNS,
  );
  const list = await variants(ctx, section);
  // Without PROXMOX_* variables: the CLI must take its connection from the flags alone.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PROXMOX_')));
  const times = new Map<string, number[]>(list.map((v) => [v.name, []]));
  const cpu = new Map<string, number[]>(list.map((v) => [v.name, []]));
  const broken = new Set<string>();
  for (let rep = 0; rep < ctx.settings.startupReps; rep++) {
    for (const v of list) {
      if (broken.has(v.name)) continue;
      const r = await timedRun(process.execPath, ['--import', REPORT_CPU, ...v.args], {
        cwd: PACKAGE_DIR,
        env,
        ...(v.input ? { input: v.input } : {}),
      });
      if (r.code !== 0) {
        broken.add(v.name);
        section.notes.push(`${v.name} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
      } else if (rep > 0) {
        // The first pass only fills the page cache.
        times.get(v.name)!.push(r.ms);
        const us = /bench-cpu-us=(\d+)/.exec(r.stderr)?.[1];
        if (us !== undefined) cpu.get(v.name)!.push(Number(us) / 1000);
      }
    }
  }
  const base = median(times.get('node -e 0')!);
  const baseCpu = median(cpu.get('node -e 0')!);
  for (const v of list) {
    const ms = median(times.get(v.name)!);
    const cpuMs = median(cpu.get(v.name)!);
    section.rows.push({
      variant: v.name,
      ms,
      'over node -e 0': ms - base,
      'x node -e 0': ms / base,
      'cpu ms': cpuMs,
      'cpu over node -e 0': cpuMs - baseCpu,
    });
  }
  const over = (name: string) => median(times.get(name) ?? []) - base;
  const cliTimes = times.get('proxmox get /version');
  section.targets.push(
    check('import (ESM) adds', over('import (ESM)'), '< 30 ms', (v) => v < 30),
    check('require (CJS) adds', over('require (CJS)'), '< 30 ms', (v) => v < 30),
    check(
      'proxmox get /version vs node -e 0',
      cliTimes && cliTimes.length > 0 ? median(cliTimes) / base : null,
      '< 3x',
      (v) => v < 3,
    ),
  );
  return section;
}
