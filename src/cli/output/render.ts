/**
 * The `--output-format`s. `json` is exactly `JSON.stringify(data)` and a newline, whatever
 * the terminal; `text` is pvesh's default (scalars plain, objects and lists as framed tables);
 * `table` is `text` that frames scalars and lists of scalars too, with a header.
 * Only the returned string goes to stdout: callers print nothing else there.
 */

import { writeYaml } from '../../config/yaml-write.js';
import type { JsonSchema } from '../../generated/schema-types.js';
import { UsageError } from '../args.js';
import { renderValue, type YamlStringify } from './renderers.js';
import { type CellRenderer, cellText, renderTable, type TableOptions } from './text-table.js';

export const OUTPUT_FORMATS = ['text', 'json', 'json-pretty', 'yaml', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputOptions {
  format: OutputFormat;
  noborder?: boolean;
  noheader?: boolean;
  /** Terminal width when stdout is a terminal (text and table only). */
  columns?: number | undefined;
  utf8?: boolean;
  /** The method's `returns` schema, when known: lays out lists as pvesh does. */
  returns?: JsonSchema | undefined;
  /** Columns of a list of objects, in order (instead of the schema's or the data's keys). */
  columnOrder?: readonly string[];
  /** Column to sort a list by (default the first); null keeps the order. */
  sortKey?: string | null;
  /** Apply the schema's renderers (bytes, durations, ...) in text output. @default true */
  humanReadable?: boolean;
}

export function parseOutputFormat(value: string | true | undefined): OutputFormat {
  if (value === undefined) return 'text';
  if (value === true || !(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output-format: expected one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  return value as OutputFormat;
}

/**
 * pvesh draws box characters only when the locale's codeset is UTF-8. With no locale
 * variable set at all we still assume UTF-8: every current terminal speaks it.
 */
export function localeIsUtf8(env: NodeJS.ProcessEnv = process.env): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG;
  return locale === undefined || locale === '' || /utf-?8/i.test(locale);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Columns of a list of objects: the schema's (required, then optional, each sorted), else the data's keys. */
export function listColumns(
  rows: readonly Record<string, unknown>[],
  items: JsonSchema | undefined,
): string[] {
  const props = items?.properties;
  if (props !== undefined && Object.keys(props).length > 0) {
    const names = Object.keys(props);
    const required = names.filter((n) => !props[n]!.optional).sort();
    const optional = names.filter((n) => props[n]!.optional).sort();
    return [...required, ...optional];
  }
  const keys = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) keys.add(key);
  return [...keys].sort();
}

function columnTypes(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  items?: JsonSchema,
) {
  const numeric = new Set<string>();
  const booleans = new Set<string>();
  const maxWidth: Record<string, number> = {};
  const props = items?.properties;
  for (const c of columns) {
    const type = props?.[c]?.type;
    if (type === 'boolean') booleans.add(c);
    if (type === 'integer' || type === 'number') numeric.add(c);
    else if (type === undefined) {
      // Without a schema, a column that holds only numbers sorts as numbers.
      const values = rows.map((r) => r[c]).filter((v) => v !== undefined && v !== null);
      if (values.length > 0 && values.every((v) => typeof v === 'number')) numeric.add(c);
    }
    const max = props?.[c]?.maxLength;
    if (max !== undefined) maxWidth[c] = max;
  }
  return { numeric, booleans, maxWidth };
}

/** Per-column renderers from the schema's `renderer` facts (pvesh's data_to_text). */
function renderersOf(
  props: Readonly<Record<string, JsonSchema>> | undefined,
  o: OutputOptions,
  yaml: YamlStringify | undefined,
): Record<string, CellRenderer> {
  const out: Record<string, CellRenderer> = {};
  if (o.humanReadable === false || props === undefined) return out;
  for (const [name, schema] of Object.entries(props)) {
    const renderer = schema.renderer;
    if (renderer !== undefined) out[name] = (value) => renderValue(renderer, value, yaml);
  }
  return out;
}

function tableOptions(o: OutputOptions, overrides: Partial<TableOptions> = {}): TableOptions {
  return {
    border: !o.noborder,
    header: !o.noheader,
    utf8: o.utf8 ?? localeIsUtf8(),
    columns: o.columns,
    ...(o.sortKey === undefined ? {} : { sortKey: o.sortKey }),
    ...overrides,
  };
}

function yamlText(data: unknown): string {
  const body = writeYaml(data ?? null);
  // pvesh's YAML starts with the document marker.
  return typeof data === 'object' && data !== null ? `---\n${body}` : `--- ${body}`;
}

/** Object keys as pvesh prints them: the schema's (required, then optional, each sorted), then the rest. */
function objectKeys(data: Record<string, unknown>, props: Readonly<Record<string, JsonSchema>> | undefined) {
  const known = listColumns([], { properties: props ?? {} });
  const rest = Object.keys(data)
    .filter((k) => !known.includes(k))
    .sort();
  return [...known, ...rest];
}

function text(data: unknown, o: OutputOptions, yaml: YamlStringify | undefined): string {
  const framed = o.format === 'table';
  if (data === undefined || data === null) return '';
  if (Array.isArray(data)) {
    if (data.length === 0) return '';
    if (data.every(isRecord)) {
      const items = o.returns?.items;
      const columns = o.columnOrder ? [...o.columnOrder] : listColumns(data, items);
      return renderTable(
        data,
        columns,
        tableOptions(o, {
          ...columnTypes(data, columns, items),
          renderers: renderersOf(items?.properties, o, yaml),
        }),
      );
    }
    const rows = data.map((value) => ({ value }));
    return renderTable(rows, ['value'], tableOptions(o, { header: framed && !o.noheader }));
  }
  if (isRecord(data)) {
    const props = o.returns?.properties;
    const render = renderersOf(props, o, yaml);
    const rows = objectKeys(data, props)
      .filter((key) => data[key] !== undefined && data[key] !== null)
      .map((key) => ({
        key,
        value: render[key]?.(data[key]) ?? cellText(data[key], props?.[key]?.type === 'boolean'),
      }));
    if (rows.length === 0) return '';
    return renderTable(rows, ['key', 'value'], tableOptions(o));
  }
  if (framed) return renderTable([{ value: data }], ['value'], tableOptions(o));
  return `${cellText(data)}\n`;
}

/** The whole stdout of a result in the chosen format ('' when there is nothing to print). */
export async function formatOutput(data: unknown, o: OutputOptions): Promise<string> {
  switch (o.format) {
    case 'json':
      return `${JSON.stringify(data ?? null)}\n`;
    case 'json-pretty':
      return `${JSON.stringify(data ?? null, null, 2)}\n`;
    case 'yaml':
      return yamlText(data);
    default:
      return text(data, o, writeYaml);
  }
}
