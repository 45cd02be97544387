/**
 * The footprint script's pure parts: reading tsc's diagnostics, walking an install, medians,
 * and the table with ratios. Kept apart from the script (which packs, installs and runs
 * compilers over the network) so that a test can check them offline.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What `tsc --extendedDiagnostics --listFilesOnly`-style output tells about one compile. */
export interface TscRun {
  /** Seconds, as tsc reports them. */
  checkTime: number;
  totalTime: number;
  /** Kilobytes of heap tsc reports in use at the end. */
  memoryKb: number;
  /** Files in the program, and how many came from the measured package. */
  files: number;
  errors: number;
}

export function parseDiagnostics(output: string): TscRun {
  const figure = (label: string) => {
    const match = new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(output);
    if (match === null) throw new Error(`tsc printed no "${label}" line: ${output.slice(0, 400)}`);
    return Number(match[1]);
  };
  return {
    checkTime: figure('Check time'),
    totalTime: figure('Total time'),
    memoryKb: figure('Memory used'),
    files: figure('Files'),
    errors: (output.match(/error TS\d+/g) ?? []).length,
  };
}

/** The files `--listFiles` printed that lie inside `node_modules/<name>/`. */
export function filesOf(output: string, name: string): string[] {
  const marker = `/node_modules/${name}/`;
  return output.split('\n').filter((line) => line.includes(marker) && /\.d\.[cm]?ts$/.test(line.trim()));
}

export interface InstallSize {
  /** Apparent bytes of every file under node_modules (what `du -sb` counts). */
  bytes: number;
  /** Installed packages: directories under node_modules holding a package.json, nested ones included. */
  packages: number;
  /** Their names, sorted. */
  names: string[];
}

/** Walks a node_modules directory: total bytes and the packages in it. */
export function measureInstall(nodeModules: string): InstallSize {
  let bytes = 0;
  const names: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue; // .bin links: the target is counted where it lies
      if (entry.isDirectory()) walk(full);
      else bytes += lstatSync(full).size;
    }
  };
  const packagesIn = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      const dirs = entry.name.startsWith('@')
        ? readdirSync(full, { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => [`${entry.name}/${e.name}`, join(full, e.name)] as const)
        : [[entry.name, full] as const];
      for (const [name, path] of dirs) {
        names.push(name);
        const nested = join(path, 'node_modules');
        if (isDirectory(nested)) packagesIn(nested);
      }
    }
  };
  walk(nodeModules);
  packagesIn(nodeModules);
  names.sort();
  return { bytes, packages: names.length, names };
}

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One measured quantity for each library, the peer last; lower is better for all of them. */
export interface Row {
  label: string;
  values: readonly number[];
  /** How to print a value of this row. */
  format: (value: number) => string;
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
export const ms = (milliseconds: number) => `${Math.round(milliseconds)} ms`;
export const count = (n: number) => String(n);

/**
 * A Markdown table: every library's value, then each of ours over the peer's (the last
 * column of values), which must stay below 1 for every row.
 */
export function table(rows: readonly Row[], labels: readonly string[]): string {
  const peer = labels.at(-1);
  const ours = labels.slice(0, -1);
  const head = [...labels, ...ours.map((label) => `${label} / ${peer}`)];
  const lines = [`| | ${head.join(' | ')} |`, `|---|${head.map(() => '---|').join('')}`];
  for (const row of rows) {
    const theirs = row.values.at(-1) ?? Number.NaN;
    const ratios = row.values.slice(0, -1).map((v) => (theirs === 0 ? 'n/a' : `${(v / theirs).toFixed(2)}x`));
    lines.push(`| ${row.label} | ${[...row.values.map(row.format), ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}
