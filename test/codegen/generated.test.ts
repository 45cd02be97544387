/**
 * Whole-output checks: the committed src/generated matches a fresh run, is deterministic,
 * carries no upstream prose, covers every method, and compiles in full (the .d.ts files are
 * skipped by skipLibCheck in everyday compiles, so this is where they are checked).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generate } from '../../codegen/generate.js';
import { schemaDir } from '../../codegen/read.js';
import type { RawNode } from '../../codegen/types.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const inputDir = schemaDir(repoRoot);
const haveInput = existsSync(path.join(inputDir, 'pve-apidoc.json'));
const generatedDir = path.join(repoRoot, 'src/generated');

// Outside CI a checkout may lack ../shared; in CI the schemas are always there, so a missing
// input fails these tests instead of skipping them.
describe.skipIf(!haveInput && !process.env.CI)('generated output', () => {
  it('has its input, the schemas in ../shared/schemas', () => {
    expect(haveInput, `${inputDir}/pve-apidoc.json`).toBe(true);
  });

  const first = haveInput ? generate(inputDir, repoRoot) : { files: new Map<string, string>(), warnings: [] };

  it('is deterministic and equals the committed files', () => {
    const second = generate(inputDir, repoRoot);
    expect([...second.files.keys()]).toEqual([...first.files.keys()]);
    for (const [rel, text] of first.files) {
      expect(second.files.get(rel) === text, rel).toBe(true);
      expect(
        readFileSync(path.join(generatedDir, rel), 'utf8') === text,
        `${rel} is stale: npm run codegen`,
      ).toBe(true);
    }
    expect(first.warnings).toEqual([]);
  });

  it('carries no upstream description text', () => {
    const prose = new Set<string>();
    const collect = (x: unknown): void => {
      if (!x || typeof x !== 'object') return;
      if (Array.isArray(x)) {
        for (const y of x) collect(y);
        return;
      }
      for (const [k, v] of Object.entries(x)) {
        if (
          (k === 'description' || k === 'verbose_description' || k === 'text') &&
          typeof v === 'string' &&
          v.length > 24 &&
          v.includes(' ')
        ) {
          prose.add(v);
        } else collect(v);
      }
    };
    for (const svc of ['pve', 'pbs', 'pmg', 'pdm']) {
      collect(JSON.parse(readFileSync(path.join(inputDir, `${svc}-apidoc.json`), 'utf8')) as RawNode[]);
    }
    const leaks: string[] = [];
    for (const [rel, text] of first.files) {
      const strings = text.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
      for (const s of strings) {
        let v: unknown;
        try {
          v = JSON.parse(s);
        } catch {
          continue;
        }
        if (typeof v === 'string' && prose.has(v)) leaks.push(`${rel}: ${v.slice(0, 40)}`);
      }
      for (const p of [...prose].slice(0, 200)) if (text.includes(p)) leaks.push(`${rel}: ${p.slice(0, 40)}`);
    }
    // The schema tables are one JSON string: look inside it too.
    for (const svc of ['pve', 'pbs', 'pmg', 'pdm']) {
      const text = first.files.get(`${svc}/schema.ts`) ?? '';
      const literal = /JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(text)?.[1] ?? '""';
      const walk = (x: unknown): void => {
        if (typeof x === 'string' && prose.has(x)) leaks.push(`${svc}/schema.ts: ${x.slice(0, 40)}`);
        else if (x && typeof x === 'object') Object.values(x).forEach(walk);
      };
      walk(JSON.parse(JSON.parse(literal) as string));
    }
    expect(leaks).toEqual([]);
  });

  it('compiles in full (no skipLibCheck)', () => {
    const files = [...first.files.keys()]
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(generatedDir, f));
    const program = ts.createProgram(files, {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 120_000);
});
