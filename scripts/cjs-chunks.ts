/**
 * A tsup plugin for the package build (tsup.config.ts): esbuild splits the code into ES module
 * chunks (named `.cjs` through outExtension), and this plugin turns each one into CommonJS with
 * esbuild's own transform (format cjs, target node20) before it is written.
 *
 * Why not tsup's `format: 'cjs'`: with splitting, tsup converts the chunks with sucrase, which
 * also lowers every `?.` and `??` into `_optionalChain([...])`/`_nullishCoalesce(...)` helper
 * calls that allocate an array and closures each time (19 of them per request on the hot path).
 * Node 20 runs both natively; esbuild's transform at target node20 leaves them as written.
 */
import { transform } from 'esbuild';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['plugins']>[number];

/** The CommonJS stand-in for `import.meta.url`, declared only in chunks that read it. */
const IMPORT_META_URL = '__importMetaUrl';
const IMPORT_META_URL_DECLARATION = `var ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;`;

/** One ES module chunk as CommonJS: the same code, its imports as `require`, its exports on `module.exports`. */
export async function chunkToCommonJs(code: string, file: string): Promise<string> {
  // A shebang must stay the first line; esbuild keeps it there.
  const readsImportMeta = code.includes('import.meta');
  const result = await transform(code, {
    sourcefile: file,
    loader: 'js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: readsImportMeta ? { 'import.meta.url': IMPORT_META_URL } : {},
    banner: readsImportMeta ? IMPORT_META_URL_DECLARATION : '',
    logLevel: 'silent',
  });
  const left = result.warnings.find((w) => w.text.includes('import.meta'));
  if (left !== undefined) throw new Error(`cjs-chunks: ${file}: ${left.text}`);
  return result.code;
}

/** Converts every `.cjs` chunk of an ESM-format build (tsup's `format: ['esm']`, outExtension `.cjs`). */
export function cjsChunks(): Plugin {
  return {
    name: 'cjs-chunks',
    async renderChunk(code, info) {
      if (!info.path.endsWith('.cjs')) return;
      return { code: await chunkToCommonJs(code, info.path) };
    },
  };
}
