/**
 * The package's chunks are ES modules turned into CommonJS by esbuild's transform
 * (scripts/cjs-chunks.ts), not by tsup's sucrase pass: `?.` and `??` stay native (sucrase made
 * them allocating helper calls), imports become requires of the sibling chunk, exports land on
 * module.exports, and `import.meta.url` is the file's URL. scripts/check-package.sh checks the
 * whole dist/ for the helpers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkToCommonJs, RUNTIME_FILE, runtimeModule } from '../../scripts/cjs-chunks.js';

const dir = mkdtempSync(join(tmpdir(), 'cjs-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = createRequire(join(dir, 'package.json'));
beforeAll(async () => writeFileSync(join(dir, RUNTIME_FILE), await runtimeModule()));

async function write(name: string, esm: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, await chunkToCommonJs(esm, file));
  return file;
}

describe('ES module chunks as CommonJS', () => {
  it('keep ?. and ?? as written, with no helper calls', async () => {
    const code = await chunkToCommonJs('export const pick = (o) => o?.a?.b ?? "none";\n', 'x.cjs');
    expect(code).toContain('o?.a?.b ?? "none"');
    expect(code).not.toMatch(/_optionalChain|_nullishCoalesce/);
  });

  it('require the chunks they import, and export through module.exports', async () => {
    await write('shared.cjs', 'class Oops extends Error {}\nexport { Oops };\n');
    const entry = await write(
      'entry.cjs',
      'import { Oops } from "./shared.cjs";\nexport const make = () => new Oops("x");\nexport { Oops };\n',
    );
    const mod = load(entry) as { make: () => Error; Oops: new () => Error };
    expect(Object.keys(mod).sort()).toEqual(['Oops', 'make']);
    expect(mod.make()).toBeInstanceOf(mod.Oops);
    expect(mod.Oops).toBe((load(join(dir, 'shared.cjs')) as { Oops: unknown }).Oops);
  });

  it('share one copy of the interop helpers, and export through one getter', async () => {
    const code = await chunkToCommonJs(
      'import * as fs from "node:fs";\nexport const f = () => fs;\n',
      'h.cjs',
    );
    expect(code).toMatch(/^var \{ [\w, ]*__toCommonJS[\w, ]* \} = require\("\.\/cjs-runtime\.cjs"\);\n/);
    expect(code).not.toMatch(/^var __\w+ =/m);
    const file = await write('one-getter.cjs', 'export const f = () => 1;\n');
    const exported = load(file) as Record<string, unknown>;
    // module.exports is the exports object itself: its getter reads the binding, no second object.
    expect(Object.getOwnPropertyDescriptor(exported, 'f')?.get?.toString()).toBe('() => f');
    expect(exported.__esModule).toBe(true);
    expect(Object.keys(exported)).toEqual(['f']);
  });

  it('give import.meta.url the URL of the file', async () => {
    const file = await write('meta.cjs', 'export const here = import.meta.url;\n');
    expect((load(file) as { here: string }).here).toBe(pathToFileURL(file).href);
  });

  it('turn a dynamic import into a require that resolves the module namespace', async () => {
    await write('late.cjs', 'export const value = 42;\n');
    const file = await write(
      'lazy.cjs',
      'export const later = () => import("./late.cjs").then((m) => m.value);\n',
    );
    await expect((load(file) as { later: () => Promise<number> }).later()).resolves.toBe(42);
  });
});
