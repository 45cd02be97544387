/**
 * How the bench starts its own child processes: the compiled harness on plain `node`
 * (bench/tsup.harness.config.ts, built with the package), else the TypeScript through tsx
 * (scripts such as bench/sync-cost.ts may run before any build).
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type ChildSpec, tsNode } from './json-lines-child.js';
import { PACKAGE_DIR } from './package-build.js';

/** `bench/sim-server.ts` -> `$BENCH_PACKAGE_DIR/harness/sim-server.mjs`, when it was built. */
function compiled(module: string): string | undefined {
  const file = resolve(PACKAGE_DIR, 'harness', `${basename(module, '.ts')}.mjs`);
  return existsSync(file) ? file : undefined;
}

export function harnessNode(module: string, nodeArgs: string[] = [], args: string[] = []): ChildSpec {
  const file = compiled(module);
  if (file === undefined) return tsNode(module, nodeArgs, args);
  return { command: process.execPath, args: [...nodeArgs, file, ...args] };
}
