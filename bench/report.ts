/** What every scenario hands back, and how it is printed: one table per scenario. */

export type Cell = string | number | null;

export interface TargetCheck {
  /** The wording, e.g. "sdk within 1.10x of the floor at c=64 (/version)". */
  name: string;
  value: number | null;
  limit: string;
  met: boolean | null;
}

export interface Section {
  id: string;
  title: string;
  columns: string[];
  rows: Array<Record<string, Cell>>;
  targets: TargetCheck[];
  notes: string[];
}

export function emptySection(id: string, title: string, columns: string[]): Section {
  return { id, title, columns, rows: [], targets: [], notes: [] };
}

function show(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '-';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return '-';
  const abs = Math.abs(cell);
  if (abs >= 100 || Number.isInteger(cell)) return String(Math.round(cell));
  return cell.toFixed(abs >= 10 ? 1 : 2);
}

export function formatSection(section: Section): string {
  const header = section.columns;
  const body = section.rows.map((row) => header.map((c) => show(row[c])));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [`\n## ${section.title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of body) out.push(line(r));
  for (const t of section.targets) {
    const verdict = t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS';
    out.push(`  [${verdict}] ${t.name}: ${show(t.value)} (target ${t.limit})`);
  }
  for (const n of section.notes) out.push(`  note: ${n}`);
  return out.join('\n');
}

export function check(
  name: string,
  value: number | null,
  limit: string,
  ok: (v: number) => boolean,
): TargetCheck {
  return { name, value, limit, met: value === null || !Number.isFinite(value) ? null : ok(value) };
}

/** The same section as a Markdown table, for bench/README.md and docs/performance.md. */
export function markdownSection(section: Section): string {
  const out = [`### ${section.title}`, ''];
  if (section.columns.length > 0 && section.rows.length > 0) {
    out.push(`| ${section.columns.join(' | ')} |`);
    out.push(`|${section.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const row of section.rows) out.push(`| ${section.columns.map((c) => show(row[c])).join(' | ')} |`);
    out.push('');
  }
  for (const t of section.targets) {
    const verdict = t.met === null ? 'n/a' : t.met ? 'met' : '**missed**';
    out.push(`- ${verdict}: ${t.name}: ${show(t.value)} (target ${t.limit})`);
  }
  for (const n of section.notes) out.push(`- note: ${n}`);
  return out.join('\n');
}
