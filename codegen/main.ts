/**
 * `npm run codegen` writes src/generated/ from ../shared/schemas;
 * `npm run codegen -- --check` writes nothing and exits 1 when the committed output is stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.js';
import { schemaDir } from './read.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'src/generated');

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const { files, warnings } = generate(schemaDir(repoRoot), repoRoot);
  for (const w of warnings) console.warn(`codegen: ${w}`);
  const existing = new Set(listFiles(outDir));
  if (check) {
    const stale: string[] = [];
    for (const [rel, text] of files) {
      const full = path.join(outDir, rel);
      if (!existsSync(full) || readFileSync(full, 'utf8') !== text) stale.push(rel);
      existing.delete(rel);
    }
    stale.push(...[...existing].map((f) => `${f} (not generated)`));
    if (stale.length) {
      console.error(`codegen --check: src/generated is stale; run npm run codegen\n  ${stale.join('\n  ')}`);
      return 1;
    }
    console.log(`codegen --check: ${files.size} files up to date`);
    return 0;
  }
  for (const [rel, text] of files) {
    const full = path.join(outDir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    if (!existsSync(full) || readFileSync(full, 'utf8') !== text) writeFileSync(full, text);
    existing.delete(rel);
  }
  for (const rel of existing) rmSync(path.join(outDir, rel));
  console.log(`codegen: wrote ${files.size} files to src/generated`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
