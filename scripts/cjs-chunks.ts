/**
 * A tsup plugin for the package build (tsup.config.ts): esbuild splits the code into ES module
 * chunks (named `.cjs` through outExtension), and this plugin turns each one into CommonJS with
 * esbuild's own transform (format cjs, target node20) before it is written.
 *
 * Why not tsup's `format: 'cjs'`: with splitting, tsup converts the chunks with sucrase, which
 * also lowers every `?.` and `??` into `_optionalChain([...])`/`_nullishCoalesce(...)` helper
 * calls that allocate an array and closures each time (19 of them per request on the hot path).
 * Node 20 runs both natively; esbuild's transform at target node20 leaves them as written.
 *
 * Two things esbuild's transform does per file are done once here instead:
 * - its interop helpers (`__defProp`, `__export`, `__toESM`, ...; ~1 KB) would be repeated in
 *   each of the ~90 chunks (84 KB in all): they live in one runtime module, `cjs-runtime.cjs`,
 *   which every chunk requires;
 * - its `__toCommonJS` copies a chunk's exports onto a second object of getters that call the
 *   first ones, so every use of another chunk's function ran two getters: the runtime's marks
 *   the exports object itself as an ES module instead.
 * A helper whose text is not exactly esbuild's (another esbuild version) stays in its chunk.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type TransformOptions, transform } from 'esbuild';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['plugins']>[number];

export const RUNTIME_FILE = 'cjs-runtime.cjs';

/** The CommonJS stand-in for `import.meta.url`, declared only in chunks that read it. */
const IMPORT_META_URL = '__importMetaUrl';
const IMPORT_META_URL_DECLARATION = `var ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;\n`;

const TRANSFORM: TransformOptions = {
  loader: 'js',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() of a chunk (or a package) becomes a require, as it was before: one module system,
  // and "not installed" is MODULE_NOT_FOUND from the same place.
  supported: { 'dynamic-import': false },
  logLevel: 'silent',
};

/** esbuild's trailer naming the exports for Node's CommonJS lexer: nothing reads it (the ESM
 * wrappers take the names from `require`, import() became require). */
const LEXER_ANNOTATION =
  /\n\/\/ Annotate the CommonJS export names for ESM import in node:\n0 && \(module\.exports = \{[^}]*\}\);\n$/;

/** Splits the helper definitions at the top of a transformed file from the rest. */
function leadingHelpers(code: string): { helpers: Map<string, string>; rest: string } {
  const helpers = new Map<string, string>();
  const statement = /^var (__\w+) = (?:[^\n]*;\n|[^\n]*\n(?:[ \t)}][^\n]*\n)*?[)}][^\n]*;\n)/;
  let rest = code;
  for (let m = statement.exec(rest); m !== null; m = statement.exec(rest)) {
    helpers.set(m[1]!, m[0]);
    rest = rest.slice(m[0].length);
  }
  return { helpers, rest };
}

let canonical: Promise<Map<string, string>> | undefined;

/** esbuild's helpers as it writes them, from a probe module that needs each one. */
function esbuildHelpers(): Promise<Map<string, string>> {
  canonical ??= transform('import * as a from "a";\nexport { a };\n', TRANSFORM).then(
    (r) => leadingHelpers(r.code).helpers,
  );
  return canonical;
}

/** The shared runtime: esbuild's helpers, with a `__toCommonJS` that returns the exports object itself. */
export async function runtimeModule(): Promise<string> {
  const helpers = await esbuildHelpers();
  const names = [...helpers.keys()];
  const body = names
    .map((name) =>
      name === '__toCommonJS'
        ? 'var __toCommonJS = (mod) => __defProp(mod, "__esModule", { value: true });\n'
        : helpers.get(name),
    )
    .join('');
  return `"use strict";\n${body}module.exports = { ${names.join(', ')} };\n`;
}

/** One ES module chunk as CommonJS: the same code, its imports as `require`, its exports on `module.exports`. */
export async function chunkToCommonJs(code: string, file: string): Promise<string> {
  const readsImportMeta = code.includes('import.meta');
  const result = await transform(code, {
    ...TRANSFORM,
    sourcefile: file,
    define: readsImportMeta ? { 'import.meta.url': IMPORT_META_URL } : {},
  });
  const left = result.warnings.find((w) => w.text.includes('import.meta'));
  if (left !== undefined) throw new Error(`cjs-chunks: ${file}: ${left.text}`);

  const known = await esbuildHelpers();
  const hashbang = /^#![^\n]*\n/.exec(result.code)?.[0] ?? '';
  const { helpers, rest } = leadingHelpers(result.code.slice(hashbang.length));
  let own = '';
  for (const [name, text] of helpers) if (known.get(name) !== text) own += text;
  // Only the helpers this chunk calls: those that served esbuild's own __toCommonJS go.
  const shared = [...helpers.keys()].filter(
    (name) => known.get(name) === helpers.get(name) && new RegExp(`\\b${name}\\b`).test(own + rest),
  );
  const runtime = shared.length === 0 ? '' : `var { ${shared.join(', ')} } = require("./${RUNTIME_FILE}");\n`;
  const meta = readsImportMeta ? IMPORT_META_URL_DECLARATION : '';
  return `${hashbang}${runtime}${own}${meta}${rest.replace(LEXER_ANNOTATION, '\n')}`;
}

/** Converts every `.cjs` chunk of an ESM-format build (tsup's `format: ['esm']`, outExtension `.cjs`). */
export function cjsChunks(): Plugin {
  return {
    name: 'cjs-chunks',
    async renderChunk(code, info) {
      if (!info.path.endsWith('.cjs')) return;
      return { code: await chunkToCommonJs(code, info.path) };
    },
    // Before esm-wrappers' buildEnd, which requires the entries (plugins run in order).
    async buildEnd() {
      const outDir = resolve(this.options.outDir ?? 'dist');
      writeFileSync(join(outDir, RUNTIME_FILE), await runtimeModule());
    },
  };
}
