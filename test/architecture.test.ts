/**
 * The folder rule of docs/architecture.md: a folder imports only folders of a lower rank
 * (and itself), so that dependencies run one way. A new folder must be given a rank here
 * before it can be imported, which makes its place in the picture a decision, not an accident.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Lower ranks are more basic. Same-rank folders do not import each other. */
const RANK: Record<string, number> = {
  core: 0,
  generated: 0,
  options: 1,
  schema: 1,
  simulator: 1,
  config: 2,
  transports: 2,
  typed: 2,
  auth: 3,
  client: 4,
  tasks: 5,
  files: 6,
  console: 6,
  workflows: 7,
  sync: 7,
  sdk: 8,
  entries: 9,
  'index.ts': 10,
  cli: 9,
};

/** The simulator is the other side of the wire: it may read shared facts, never client code. */
const SIMULATOR_MAY_IMPORT = new Set(['core', 'generated', 'simulator']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

const folderOf = (file: string) => relative(SRC, file).split('/')[0]!;

interface Edge {
  from: string;
  to: string;
  file: string;
  spec: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    if (folderOf(file) === 'generated') continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const spec = m[1]!;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC)) continue;
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) out.push({ from, to, file: relative(SRC, file), spec });
    }
  }
  return out;
}

describe('src/ layout (docs/architecture.md)', () => {
  const all = edges();

  it('every top-level entry of src/ has a rank', () => {
    const unranked = readdirSync(SRC).filter((name) => !(name in RANK) && name !== 'README.md');
    expect(unranked).toEqual([]);
  });

  it('folders import only lower-ranked folders', () => {
    const wrong = all
      .filter((e) => (RANK[e.to] ?? 99) >= (RANK[e.from] ?? -1))
      .map((e) => `${e.file} imports ${e.spec} (${e.from} -> ${e.to})`);
    expect(wrong).toEqual([]);
  });

  it('the simulator imports only core facts and the generated schema tables', () => {
    const wrong = all
      .filter((e) => e.from === 'simulator' && !SIMULATOR_MAY_IMPORT.has(e.to))
      .map((e) => `${e.file} imports ${e.spec}`);
    expect(wrong).toEqual([]);
  });

  it('generated code imports nothing written by hand', () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(join(SRC, 'generated'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        if (!resolve(dirname(file), m[1]!).startsWith(join(SRC, 'generated')))
          wrong.push(relative(SRC, file));
      }
    }
    expect(wrong).toEqual([]);
  });

  it('nothing under src/ imports undici: the HTTPS transport runs on our own client (issue 19.1)', () => {
    const wrong = sourceFiles(SRC).filter((file) =>
      /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"]undici(?:\/[^'"]*)?['"]/.test(readFileSync(file, 'utf8')),
    );
    expect(wrong.map((file) => relative(SRC, file))).toEqual([]);
    const pkg = JSON.parse(readFileSync(resolve(SRC, '../package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('undici');
  });

  it('the library never imports the CLI', () => {
    expect(all.filter((e) => e.to === 'cli').map((e) => e.file)).toEqual([]);
  });

  // yaml is an optional peer (issue 19.1): our reader and writer do the work, and only the
  // lazy fallback for what they leave out may load the package (types included, since a
  // declaration naming it would break a user's compile without it).
  it('only src/config/yaml-lazy.ts imports the yaml package', () => {
    const wrong = sourceFiles(SRC)
      .filter((file) =>
        /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"]yaml(?:\/[^'"]*)?['"]/.test(readFileSync(file, 'utf8')),
      )
      .map((file) => relative(SRC, file))
      .filter((file) => file !== 'config/yaml-lazy.ts');
    expect(wrong).toEqual([]);
  });
});
