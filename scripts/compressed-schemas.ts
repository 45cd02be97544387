/**
 * An esbuild plugin for the package build (tsup.config.ts): the generated schema tables
 * (src/generated/<product>/schema.ts, `JSON.parse("<escaped JSON>")`, 2.6 MB for the four
 * products, in both the ESM and the CJS build) are shipped brotli-compressed as base64
 * (113 KB) and inflated when first imported (the client loads them only for `validate`; the
 * simulator and the CLI on start). Issue 19.1: they were half of the installed size.
 * The source stays as codegen writes it; a generated file of another shape fails the build.
 */
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import type { Plugin } from 'esbuild';

const SCHEMA_FILE = /[\\/]src[\\/]generated[\\/](pve|pbs|pmg|pdm)[\\/]schema\.ts$/;
const ROOT = /^export const root: SchemaNode = JSON\.parse\(("(?:[^"\\]|\\.)*")\);$/m;
const SCHEMA = /^export const schema: SchemaNode\[\] = root\.children;$/m;

/** The JSON text the generated module parses, or an error naming what did not match. */
export function schemaJson(source: string, file: string): string {
  const root = ROOT.exec(source);
  if (root === null || !SCHEMA.test(source)) {
    throw new Error(
      `${file}: not the generated schema shape (root = JSON.parse("..."); schema = root.children)`,
    );
  }
  const json: unknown = JSON.parse(root[1]!);
  if (typeof json !== 'string') throw new Error(`${file}: the literal is not a JSON string`);
  return json;
}

/** The module that replaces it: the same exports, from the compressed text. */
export function compressedModule(json: string): string {
  const packed = brotliCompressSync(Buffer.from(json, 'utf8'), {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(json),
    },
  }).toString('base64');
  return [
    "import { brotliDecompressSync } from 'node:zlib';",
    `const packed = ${JSON.stringify(packed)};`,
    "export const root = JSON.parse(brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8'));",
    'export const schema = root.children;',
    '',
  ].join('\n');
}

/** The plugin; compressed modules are kept for the process, since the ESM and CJS builds share them. */
export function compressedSchemas(): Plugin {
  const done = new Map<string, string>();
  return {
    name: 'compressed-schemas',
    setup(build) {
      build.onLoad({ filter: SCHEMA_FILE }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        let contents = done.get(source);
        if (contents === undefined) {
          contents = compressedModule(schemaJson(source, args.path));
          done.set(source, contents);
        }
        return { contents, loader: 'js' };
      });
    },
  };
}
