/**
 * A tsup plugin for the package build (tsup.config.ts): the code is built once, as CommonJS,
 * and each ESM entry (`dist/index.js`, ...) is a wrapper that imports its CommonJS twin
 * (issue 19.1: the ESM build was a second copy of all the JavaScript, ~0.9 MB). One copy also
 * means one instance of every class for a program that both imports and requires the package
 * (`instanceof ProxmoxError` holds across the two). ESM may import CommonJS on every Node
 * version; the reverse needs require(esm), which Node 20.18 lacks.
 * Library entries re-export the names their CommonJS module has (read by requiring it once
 * the build is written); side-effect entries (the CLI, the sync worker) just import theirs.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['plugins']>[number];

/** The ESM wrapper of a library entry: the CommonJS module's own names, nothing else. */
export function libraryWrapper(cjsFile: string, names: readonly string[]): string {
  const bad = names.filter((name) => !/^[A-Za-z_$][\w$]*$/.test(name) || name === 'default');
  if (bad.length > 0) throw new Error(`esm-wrappers: ${cjsFile} exports names ESM cannot re-export: ${bad}`);
  return [
    `import cjs from './${cjsFile}';`,
    names.length === 0 ? '' : `export const { ${[...names].sort().join(', ')} } = cjs;`,
    '',
  ].join('\n');
}

/** The wrapper of an entry run for its effects; the CLI's gets the shebang. */
export function effectWrapper(cjsFile: string, shebang: boolean): string {
  return `${shebang ? '#!/usr/bin/env node\n' : ''}import './${cjsFile}';\n`;
}

/**
 * Writes `<entry>.js` beside each `<entry>.cjs` of `entries` once tsup has written the build.
 * `effects` names entries that run on import (no names to read; requiring them would run them).
 */
export function esmWrappers(
  entries: readonly string[],
  effects: { cli: string; others: readonly string[] },
): Plugin {
  return {
    name: 'esm-wrappers',
    buildEnd() {
      const outDir = resolve(this.options.outDir ?? 'dist');
      const load = createRequire(join(outDir, 'package.json'));
      for (const entry of entries) {
        const cjsFile = `${entry}.cjs`;
        const target = join(outDir, `${entry}.js`);
        if (entry === effects.cli || effects.others.includes(entry)) {
          writeFileSync(target, effectWrapper(cjsFile, entry === effects.cli));
          if (entry === effects.cli) chmodSync(target, 0o755);
          continue;
        }
        const path = join(outDir, cjsFile);
        delete load.cache[path];
        writeFileSync(target, libraryWrapper(basename(path), Object.keys(load(path) as object)));
      }
    },
  };
}
