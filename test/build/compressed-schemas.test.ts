/**
 * The package ships the schema tables brotli-compressed (scripts/compressed-schemas.ts, a tsup
 * plugin): the module it writes must give the same tables as the generated source, and a
 * generated file of another shape must fail the build rather than ship something else.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compressedModule, schemaJson } from '../../scripts/compressed-schemas.js';
import * as pbs from '../../src/generated/pbs/schema.js';
import * as pdm from '../../src/generated/pdm/schema.js';
import * as pmg from '../../src/generated/pmg/schema.js';
import * as pve from '../../src/generated/pve/schema.js';

const GENERATED = { pve, pbs, pmg, pdm };

const dir = mkdtempSync(join(tmpdir(), 'compressed-schemas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compressed schema tables', () => {
  it.each(['pve', 'pbs', 'pmg', 'pdm'])(
    '%s: the compressed module exports the same root and schema',
    async (product) => {
      const file = `src/generated/${product}/schema.ts`;
      const source = readFileSync(file, 'utf8');
      const module = compressedModule(schemaJson(source, file));
      expect(module.length).toBeLessThan(source.length / 10);
      const out = join(dir, `${product}.mjs`);
      writeFileSync(out, module);
      const packed = await import(pathToFileURL(out).href);
      const original = GENERATED[product as keyof typeof GENERATED];
      expect(packed.root).toEqual(original.root);
      expect(packed.schema).toBe(packed.root.children);
    },
  );

  it('refuses a file of another shape', () => {
    expect(() => schemaJson('export const root = {};', 'x.ts')).toThrow(/not the generated schema shape/);
  });
});
