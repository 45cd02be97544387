/**
 * Scenarios 5 and 7 are measured by scripts other engineers own (bench/shell-backends.ts,
 * bench/sync-cost.ts). They run in a process of their own; their table is included as
 * printed. When a script's stdout holds a JSON line with `rows` (an array of objects),
 * those rows become the section's rows, so they land in latest.json as figures.
 */
import { existsSync } from 'node:fs';
import type { BenchContext } from '../context.js';
import { timedRun } from '../lib/timed-run.js';
import { type Cell, emptySection, type Section } from '../report.js';

/** A script that runs longer is stopped: the whole run must stay within minutes. */
const TIME_LIMIT_MS = 240_000;

export async function external(
  ctx: BenchContext,
  id: string,
  title: string,
  script: string,
  fullArgs: string[] = [],
): Promise<Section> {
  const section = emptySection(id, title, []);
  if (!existsSync(script)) {
    section.notes.push(`${script} does not exist yet: nothing measured`);
    return section;
  }
  const args = ['--import', 'tsx', script, ...(ctx.settings.quick ? ['--quick'] : fullArgs)];
  const r = await timedRun(process.execPath, args, { cwd: process.cwd(), timeoutMs: TIME_LIMIT_MS });
  if (r.ms >= TIME_LIMIT_MS) section.notes.push(`${script} stopped after ${TIME_LIMIT_MS / 1000} s`);
  if (r.code !== 0) section.notes.push(`${script} exited ${r.code}: ${r.stderr.trim().slice(-400)}`);
  const rows = jsonRows(r.stdout);
  if (rows !== undefined && rows.length > 0) {
    section.rows = rows;
    section.columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  } else {
    for (const line of r.stdout.trimEnd().split('\n')) if (line.trim() !== '') section.notes.push(line);
  }
  return section;
}

export function jsonRows(stdout: string): Array<Record<string, Cell>> | undefined {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as { rows?: unknown };
      if (Array.isArray(parsed.rows)) return parsed.rows as Array<Record<string, Cell>>;
    } catch {
      // not ours: keep looking
    }
  }
  return undefined;
}
