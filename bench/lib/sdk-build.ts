/**
 * The SDK and simulator as measured: built by tsup from the current src/ into .tmp/bench-dist
 * (ignored by git, used by no one else). Not src/ through tsx: tsx compiles with esbuild's
 * keepNames, which wraps every closure in a `__name()` call (Object.defineProperty), and the
 * fluent path proxy makes closures per call; users run the tsup output, which has none.
 * Not dist/: other engineers rebuild it (and tsup empties it first) while the bench runs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timedRun } from './timed-run.js';

const DIR = '.tmp/bench-dist';

export function sdkBuildUrl(entry: 'index' | 'simulator'): string {
  const file = resolve(DIR, `${entry}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: bench/run.ts builds it first`);
  return pathToFileURL(file).href;
}

export async function buildSdk(): Promise<number> {
  const args = [
    'tsup',
    '--no-config',
    '--entry.index',
    'src/index.ts',
    '--entry.simulator',
    'src/simulator/index.ts',
  ];
  args.push('--format', 'esm', '--target', 'node20', '--platform', 'node', '--out-dir', DIR);
  const r = await timedRun('npx', args, { cwd: process.cwd() });
  if (r.code !== 0) throw new Error(`building the SDK for the bench failed: ${r.stderr.slice(-600)}`);
  return r.ms;
}
