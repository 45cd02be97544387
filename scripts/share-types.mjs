#!/usr/bin/env node
// After `tsup`: the ESM and CJS declaration files are the same text (only `.js` versus `.cjs`
// in their imports), ~1.9 MB each. Each ESM entry (`index.d.ts`) becomes a one-line
// re-export of its CJS twin (`export * from './index.cjs'`, which TypeScript resolves to
// index.d.cts), so the package holds the types once. ESM may import CJS declarations; the
// reverse would not compile. Entries that differ in more than the extension are left as they are.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const files = readdirSync(dist);
const entries = ['index', 'simulator', 'sync-worker'];
let shared = 0;
let saved = 0;
for (const entry of entries) {
  const esm = join(dist, `${entry}.d.ts`);
  const cts = readFileSync(join(dist, `${entry}.d.cts`), 'utf8');
  const text = readFileSync(esm, 'utf8');
  if (cts.replace(/\.cjs(['"])/g, '.js$1') !== text) {
    console.error(`share-types: ${entry}.d.ts differs from ${entry}.d.cts beyond extensions; kept`);
    continue;
  }
  const reexport = `export * from './${entry}.cjs';\n`;
  writeFileSync(esm, reexport);
  saved += text.length - reexport.length;
  shared++;
}
if (shared === entries.length) {
  // Chunks only the ESM entries imported (schema-types-XXXX.d.ts): nothing refers to them now.
  for (const file of files) {
    const chunk = /^(.+)\.d\.ts$/.exec(file)?.[1];
    if (chunk === undefined || entries.includes(chunk) || !files.includes(`${chunk}.d.cts`)) continue;
    saved += readFileSync(join(dist, file)).length;
    rmSync(join(dist, file));
  }
}
console.log(
  `share-types: ${shared} of ${entries.length} ESM entries re-export their CJS types (${Math.round(saved / 1024)} KiB saved)`,
);
