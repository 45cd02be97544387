#!/usr/bin/env node
// After `tsup` (which builds the JavaScript only): the published declarations, once, as one
// file per source module, so that an entry point's declarations import only what it needs and
// `proxmox-sdk/pve` makes the compiler read PVE's types and not the other products' (a
// bundled declaration file is read whole). Steps:
// 1. tsc emits declarations of the entry points' module graph into dist/types (tsconfig.types.json);
// 2. the generated .d.ts files (tsc does not copy declaration inputs) are copied beside them;
// 3. files no entry reaches are removed (tsc emits every module of the program);
// 4. dist/types/package.json says "commonjs": the same files serve require and import (ESM may
//    import CommonJS declarations; the reverse would not compile);
// 5. each entry gets its dist/<entry>.d.ts and .d.cts, a one-line re-export.
// Fails when a reachable declaration imports a package a user would not have installed (warns
// for an optional peer).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const repo = resolve(dirname(new URL(import.meta.url).pathname), '..');
const dist = join(repo, 'dist');
const types = join(dist, 'types');

/** Entry name (dist/<name>.d.ts) -> its declaration under dist/types. */
const ENTRIES = {
  index: 'index.d.ts',
  pve: 'entries/pve.d.ts',
  pbs: 'entries/pbs.d.ts',
  pmg: 'entries/pmg.d.ts',
  pdm: 'entries/pdm.d.ts',
  simulator: 'simulator/index.d.ts',
  'sync-worker': 'sdk/sync-worker.d.ts',
};

rmSync(types, { recursive: true, force: true });
execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.types.json'], {
  cwd: repo,
  stdio: 'inherit',
});
const generated = join(repo, 'src/generated');
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
for (const file of walk(generated).filter((f) => f.endsWith('.d.ts'))) {
  cpSync(file, join(types, 'generated', relative(generated, file)));
}

// Relative specifiers (imports, re-exports, import types, augmented modules) and bare ones.
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\bdeclare\s+module\s+)['"]([^'"]+)['"]/g;
const reachable = new Set();
const external = new Map();
const visit = (file) => {
  if (reachable.has(file)) return;
  if (!existsSync(file)) throw new Error(`build-types: ${relative(repo, file)} is imported but missing`);
  reachable.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
    if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.d.ts')));
    else external.set(specifier, [...(external.get(specifier) ?? []), relative(types, file)]);
  }
};
for (const entry of Object.values(ENTRIES)) visit(join(types, entry));

let removed = 0;
for (const file of walk(types)) {
  if (!reachable.has(file)) {
    rmSync(file);
    removed++;
  }
}
const prune = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    }
  }
};
prune(types);

const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const installed = new Set(Object.keys(manifest.dependencies ?? {}));
const optional = new Set(Object.keys(manifest.peerDependencies ?? {}));
const builtins = new Set(builtinModules);
for (const [specifier, files] of external) {
  const file = files.join(', ');
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0];
  if (installed.has(name) || builtins.has(name) || specifier.startsWith('node:')) continue;
  // An optional peer's types reach only users who installed it (and its @types): a consumer
  // compiling with skipLibCheck off and without it gets an error. Said, not fatal: the peer is
  // a declared part of the package.
  if (optional.has(name))
    console.warn(`build-types: warning: ${file} imports the optional peer ${specifier}`);
  else
    throw new Error(
      `build-types: ${file} imports ${specifier}, which users do not install with this package`,
    );
}

writeFileSync(join(types, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
for (const [name, file] of Object.entries(ENTRIES)) {
  const reexport = `export * from './types/${file.replace(/\.d\.ts$/, '.js')}';\n`;
  writeFileSync(join(dist, `${name}.d.ts`), reexport);
  writeFileSync(join(dist, `${name}.d.cts`), reexport);
}
const bytes = [...reachable].reduce((sum, file) => sum + statSync(file).size, 0);
console.log(
  `build-types: ${reachable.size} declaration files (${Math.round(bytes / 1024)} KiB) for ${Object.keys(ENTRIES).length} entries; ${removed} unreachable removed`,
);
