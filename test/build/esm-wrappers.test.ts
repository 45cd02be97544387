/**
 * The ESM entries are wrappers over the CommonJS build (scripts/esm-wrappers.ts): a library
 * entry re-exports exactly the CommonJS module's names, a side-effect entry only imports it,
 * and a name ESM cannot re-export fails the build. scripts/check-package.sh runs the packed
 * wrappers (import and require give the same objects).
 */
import { describe, expect, it } from 'vitest';
import { effectWrapper, libraryWrapper } from '../../scripts/esm-wrappers.js';

describe('ESM wrappers', () => {
  it('re-export the CommonJS names, sorted, from its default export', () => {
    expect(libraryWrapper('index.cjs', ['b', 'a'])).toBe(
      "import cjs from './index.cjs';\nexport const { a, b } = cjs;\n",
    );
  });

  it('import a side-effect entry; the CLI gets the shebang', () => {
    expect(effectWrapper('cli.cjs', true)).toBe("#!/usr/bin/env node\nimport './cli.cjs';\n");
    expect(effectWrapper('sync-worker.cjs', false)).toBe("import './sync-worker.cjs';\n");
  });

  it('refuse names ESM cannot re-export', () => {
    expect(() => libraryWrapper('index.cjs', ['default'])).toThrow(/default/);
    expect(() => libraryWrapper('index.cjs', ['a-b'])).toThrow(/a-b/);
  });
});
