/**
 * The package as users get it, built from the current src/ by the project's tsup config
 * into .tmp/bench-pkg (ignored by git, used by no one else), with package.json beside it
 * so that `import('proxmox-sdk')` resolves through the package's own exports.
 * Not src/ through tsx: tsx compiles with esbuild's keepNames, which wraps every closure in
 * `__name()` (an Object.defineProperty), and the fluent path proxy makes closures per call.
 * Not dist/: other engineers rebuild it while the bench runs, and tsup empties it first.
 * BENCH_PACKAGE_DIR moves it (the smoke test builds its own, so that it never empties the
 * directory of a bench running beside it); child processes inherit the variable.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timedRun } from './timed-run.js';

export const PACKAGE_DIR = resolve(process.env.BENCH_PACKAGE_DIR ?? '.tmp/bench-pkg');

export function packageBuilt(entry: 'index' | 'simulator'): boolean {
  return existsSync(resolve(PACKAGE_DIR, 'dist', `${entry}.js`));
}

export function packageUrl(entry: 'index' | 'simulator'): string {
  const file = resolve(PACKAGE_DIR, 'dist', `${entry}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: bench/run.ts builds it first`);
  return pathToFileURL(file).href;
}

/** Builds the package, then the bench's harness beside it; answers how long it took (ms). */
export async function buildPackage(): Promise<number> {
  mkdirSync(PACKAGE_DIR, { recursive: true });
  copyFileSync('package.json', resolve(PACKAGE_DIR, 'package.json'));
  let ms = 0;
  for (const [config, output] of [
    ['bench/tsup.package.config.ts', 'dist/index.js'],
    ['bench/tsup.harness.config.ts', 'harness/node-worker.mjs'],
  ] as const) {
    const r = await timedRun('npx', ['tsup', '--config', config], { cwd: process.cwd() });
    if (r.code !== 0 || !existsSync(resolve(PACKAGE_DIR, output))) {
      throw new Error(`building ${output} for the bench failed: ${(r.stderr || r.stdout).slice(-600)}`);
    }
    ms += r.ms;
  }
  return ms;
}
