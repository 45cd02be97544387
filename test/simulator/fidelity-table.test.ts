/**
 * docs/simulator.md keeps a table of behaviour / source / test (issue 14): every item of the
 * issue has a row, and every test file a row names exists, so the table cannot rot quietly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const section = readFileSync('docs/simulator.md', 'utf8').split('\n## Fidelity\n')[1] ?? '';
const rows = section
  .split('\n')
  .filter((line) => /^\| [^-#]/.test(line))
  .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()));

/** `test/a/b.test.ts, c.test.ts`: a bare name lives beside the path before it. */
function testFiles(cell: string): string[] {
  let dir = '';
  return cell.split(', ').map((name) => {
    if (name.includes('/')) {
      dir = dirname(name);
      return name;
    }
    return join(dir, name);
  });
}

describe('the fidelity table in docs/simulator.md', () => {
  it('has a row for each of issue 14 items 1 to 14', () => {
    const items = new Set(rows.map((r) => r[0]));
    for (let i = 1; i <= 14; i++) expect(items, `item 14.${i}`).toContain(`14.${i}`);
  });

  it('names a source and test files that exist in every row', () => {
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row, row.join(' | ')).toHaveLength(4);
    for (const [item, behaviour, source, tests] of rows) {
      expect(source, `${item} ${behaviour}`).toMatch(/\S/);
      for (const file of testFiles(tests ?? '')) expect(existsSync(file), `${item}: ${file}`).toBe(true);
    }
  });
});
