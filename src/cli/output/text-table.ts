/**
 * Tables as pvesh draws them (pve-common CLIFormatter::print_text_table): every row framed,
 * a double rule under the header (`╞═╪═╡`, `+=+=+` in ASCII), a single rule between rows,
 * box-drawing characters when the locale is UTF-8 (`+-|` otherwise), numeric columns
 * right-aligned, the last column unpadded without borders, and each line cut at the
 * terminal width when stdout is a terminal. Widths count characters, not UTF-16 units.
 */

/** A column's human-readable text of a value; undefined falls back to the plain text. */
export type CellRenderer = (value: unknown) => string | undefined;

export interface TableOptions {
  border: boolean;
  header: boolean;
  utf8: boolean;
  /** Cut every line to this many characters (the terminal width); 0 or undefined: no cut. */
  columns?: number | undefined;
  /** Column to sort rows by; `null` keeps the order. Default: the first column. */
  sortKey?: string | null;
  /** Columns whose values sort as numbers. */
  numeric?: ReadonlySet<string>;
  /** Columns whose values print as 1/0 (schema type boolean). */
  booleans?: ReadonlySet<string>;
  /** Per-column cut-off (the schema's maxLength). */
  maxWidth?: Readonly<Record<string, number>>;
  /** Per-column renderers (the schema's `renderer` facts); rows sort by the raw values. */
  renderers?: Readonly<Record<string, CellRenderer>>;
}

const chars = (s: string) => [...s];
const width = (s: string) => chars(s).length;
const cut = (s: string, n: number) => (width(s) <= n ? s : chars(s).slice(0, n).join(''));
const pad = (s: string, n: number, right = false) => {
  const fill = ' '.repeat(Math.max(0, n - width(s)));
  return right ? fill + s : s + fill;
};

/** Perl prints floating point numbers with 15 significant digits; so do we. */
function numberText(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

/** JSON with sorted keys, as pvesh prints nested values (canonical JSON). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One value as a table cell or a plain line. */
export function cellText(value: unknown, boolean = false): string {
  if (value === undefined || value === null) return '';
  if (boolean || typeof value === 'boolean') return value && value !== '0' ? '1' : '0';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'object') return canonicalJson(value);
  return String(value);
}

function compare(a: unknown, b: unknown, numeric: boolean): number {
  if (numeric) return (Number(a) || 0) - (Number(b) || 0);
  const x = cellText(a);
  const y = cellText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Renders rows (objects) under the given columns; returns the text with a trailing newline. */
export function renderTable(
  rows: readonly Record<string, unknown>[],
  props: readonly string[],
  options: TableOptions,
): string {
  const sortKey = options.sortKey === undefined ? props[0] : options.sortKey;
  const sorted = [...rows];
  if (sortKey !== null && sortKey !== undefined) {
    const numeric = options.numeric?.has(sortKey) ?? false;
    sorted.sort((a, b) => compare(a[sortKey], b[sortKey], numeric));
  }

  const cell = (row: Record<string, unknown>, p: string) =>
    options.renderers?.[p]?.(row[p]) ?? cellText(row[p], options.booleans?.has(p) ?? false);
  const cells = sorted.map((row) => props.map((p) => cell(row, p).split('\n')));
  const right = props.map((p) => options.numeric?.has(p) ?? false);
  const widths = props.map((p, i) => {
    let longest = width(p);
    for (const row of cells) for (const line of row[i]!) longest = Math.max(longest, width(line));
    const limit = options.maxWidth?.[p];
    return limit !== undefined && limit < longest ? limit : longest;
  });

  const { border, utf8 } = options;
  const last = props.length - 1;
  const v = utf8 ? '│' : '|';
  const rule = (h: string, left: string, mid: string, end: string) =>
    props.map((_, i) => (i === 0 ? left : mid) + h.repeat(widths[i]! + 2)).join('') + end;
  const asciiRule = rule('-', '+', '+', '+');
  const top = utf8 ? rule('─', '┌', '┬', '┐') : asciiRule;
  const middle = utf8 ? rule('─', '├', '┼', '┤') : asciiRule;
  const headerRule = utf8 ? rule('═', '╞', '╪', '╡') : rule('=', '+', '+', '+');
  const bottom = utf8 ? rule('─', '└', '┴', '┘') : asciiRule;

  const line = (texts: readonly string[]) => {
    const fitted = (t: string, i: number) => pad(cut(t, widths[i]!), widths[i]!, right[i]);
    if (border) return texts.map((t, i) => `${v} ${fitted(t, i)} `).join('') + v;
    return texts.map((t, i) => (i === last ? cut(t, widths[i]!) : `${fitted(t, i)} `)).join('');
  };

  const out: string[] = [];
  if (border) out.push(top);
  if (options.header) out.push(line(props));
  cells.forEach((row, r) => {
    if (border && (r !== 0 || options.header)) out.push(r === 0 ? headerRule : middle);
    const height = Math.max(1, ...row.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push(line(row.map((c) => c[k] ?? '')));
  });
  if (border) out.push(bottom);

  const columns = options.columns ?? 0;
  return out.map((l) => (columns > 0 ? cut(l, columns) : l)).join('\n') + '\n';
}
