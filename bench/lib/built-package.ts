/**
 * The built package for the start-up scenario. Prefers the real `dist/` (imported by name,
 * `proxmox-sdk`, through the package's own exports); builds it with tsup when missing.
 * Other engineers build into dist/ too, and tsup cleans it first, so a colliding build is
 * retried; if the full build still fails (an entry not written yet), the library alone is
 * built into .tmp/bench-dist, which is ignored by git and touched by no one else.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { timedRun } from './timed-run.js';

export interface BuiltPackage {
  /** What `import(...)` / `require(...)` is given. */
  esm: string;
  cjs: string;
  /** dist/cli.js when it exists. */
  cli: string | undefined;
  note: string;
}

const root = process.cwd();
const has = (path: string) => existsSync(`${root}/${path}`);
const ready = () => has('dist/index.js') && has('dist/index.cjs');

export async function builtPackage(): Promise<BuiltPackage> {
  let note = 'dist/ as found';
  for (let attempt = 0; attempt < 3 && !ready(); attempt++) {
    if (attempt > 0) await sleep(5000);
    const r = await timedRun('npx', ['tsup'], { cwd: root });
    note =
      r.code === 0 ? 'dist/ built by the bench with npx tsup' : `npx tsup failed: ${r.stderr.slice(-300)}`;
  }
  if (ready()) {
    return {
      esm: 'proxmox-sdk',
      cjs: 'proxmox-sdk',
      cli: has('dist/cli.js') ? 'dist/cli.js' : undefined,
      note,
    };
  }
  const out = '.tmp/bench-dist';
  const r = await timedRun(
    'npx',
    [
      'tsup',
      '--no-config',
      'src/index.ts',
      '--format',
      'esm,cjs',
      '--target',
      'node20',
      '--platform',
      'node',
      '--out-dir',
      out,
    ],
    { cwd: root },
  );
  if (r.code !== 0) throw new Error(`could not build the package: ${r.stderr.slice(-500)}`);
  return {
    esm: `${root}/${out}/index.js`,
    cjs: `${root}/${out}/index.cjs`,
    cli: undefined,
    note: `${note}; measured a private build in ${out}`,
  };
}
