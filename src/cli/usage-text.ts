/**
 * pvesh's usage text of an API method (pve-common RESTHandler::getopt_usage), from the
 * generated schema: `USAGE: proxmox create /nodes/{node}/qemu --vmid <integer> [OPTIONS]`,
 * and with `verbose` one entry per parameter (`  --name     <type>   (default=x)`) with the
 * facts the schema holds (required, format, range). The schema carries no prose, so there
 * are no descriptions.
 */
import type { ApiMethod, JsonSchema } from '../generated/schema-types.js';
import { pathParamNames } from './api-args.js';

/** pvesh's type notation: `<a | b>` for enums, `<integer> (1 - 10)` for ranges, property strings spelled out. */
export function typeText(s: JsonSchema): string {
  const type = s.type ?? 'string';
  if (s.enum) return `<${s.enum.map(String).sort().join(' | ')}>`;
  if (s.pattern) return s.pattern;
  if (type === 'integer' || type === 'number') {
    if (s.minimum !== undefined || s.maximum !== undefined) {
      return `<${type}> (${s.minimum ?? '-N'} - ${s.maximum ?? 'N'})`;
    }
  }
  if (type === 'string' && typeof s.format === 'object') return propertyStringText(s.format);
  if (type === 'array' && s.items) return `<array of ${typeText(s.items).replace(/^<|>$/g, '')}>`;
  return `<${type}>`;
}

/** `[model=]<enum> [,bridge=<bridge>]`: keys of a property string, required ones first. */
function propertyStringText(format: Record<string, JsonSchema>): string {
  const value = (s: JsonSchema) =>
    s.enum
      ? `<${s.enum.map(String).join('|')}>`
      : s.type === 'boolean'
        ? '<1|0>'
        : `<${typeof s.format === 'string' ? s.format : (s.type ?? 'string')}>`;
  const keys = Object.keys(format).filter((k) => format[k]!.alias === undefined);
  const defaultKey = keys.find((k) => format[k]!.default_key);
  const rest = keys.filter((k) => k !== defaultKey);
  const required = rest.filter((k) => !format[k]!.optional).sort();
  const optional = rest.filter((k) => format[k]!.optional).sort();
  const parts: string[] = [];
  if (defaultKey) parts.push(`[${defaultKey}=]${value(format[defaultKey]!)}`);
  for (const k of required) parts.push(`${k}=${value(format[k]!)}`);
  let text = parts.join(',');
  for (const k of optional) text += `${text === '' ? '[' : ' [,'}${k}=${value(format[k]!)}]`;
  return text;
}

function facts(s: JsonSchema): string[] {
  const out: string[] = [s.optional ? 'optional' : 'required'];
  if (typeof s.format === 'string') out.push(`format: ${s.format}`);
  if (s.formatList) out.push('a comma-separated list');
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.requires) out.push(`requires --${s.requires}`);
  if (s.numbered)
    out.push(`numbered: --${s.numbered.prefix}0 .. --${s.numbered.prefix}${s.numbered.max ?? 'N'}`);
  return out;
}

/** One command's usage text for a schema path. */
export function methodUsage(verb: string, path: string, method: ApiMethod, verbose: boolean): string {
  const props = method.parameters?.properties ?? {};
  // Parameters the path itself fills ({node}, {vmid}) are not options, as in pvesh.
  const names = optionNames(method);
  let out = `${usageLine(verb, path, method)}\n`;
  if (!verbose) return out;
  if (method.task) out += '\n  Starts a task and answers its UPID (follow it with --wait).\n';
  if (names.length > 0) out += '\n';
  for (const k of names) {
    const s = props[k]!;
    const dflt = s.default === undefined ? '' : `   (default=${String(s.default)})`;
    out += `  ${`--${k}`.padEnd(10)} ${typeText(s)}${dflt}\n`;
    out += `             ${facts(s).join('; ')}\n\n`;
  }
  return out;
}

/** The parameters a caller may give (not those the path fills), sorted. */
function optionNames(method: ApiMethod): string[] {
  const fromPath = pathParamNames(method);
  return Object.keys(method.parameters?.properties ?? {})
    .filter((k) => !fromPath.has(k))
    .sort();
}

/**
 * The one-line usage: the required parameters as `--name <type>`, then `[OPTIONS]` when
 * there are optional ones; `formatOptions` adds pvesh's `[FORMAT_OPTIONS]` (the output options).
 */
export function usageLine(verb: string, path: string, method: ApiMethod, formatOptions = false): string {
  const props = method.parameters?.properties ?? {};
  const names = optionNames(method);
  const required = names
    .filter((k) => !props[k]!.optional && props[k]!.alias === undefined)
    .map((k) => `--${k} <${props[k]!.type ?? 'string'}>`);
  const options = names.length > required.length ? ' [OPTIONS]' : '';
  const args = required.length > 0 ? ` ${required.join(' ')}` : '';
  return `USAGE: proxmox ${verb} ${path}${args}${options}${formatOptions ? ' [FORMAT_OPTIONS]' : ''}`;
}

/**
 * JSON as pvesh prints `RETURNS:` (Perl JSON with `canonical` and `pretty`): keys sorted,
 * three spaces of indent, `"key" : value`.
 */
export function prettySortedJson(value: unknown, indent = ''): string {
  const inner = `${indent}   `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + prettySortedJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    if (keys.length === 0) return '{}';
    const lines = keys.map(
      (k) =>
        `${inner}${JSON.stringify(k)} : ${prettySortedJson((value as Record<string, unknown>)[k], inner)}`,
    );
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
