/**
 * `proxmox usage <path>`: what pvesh's `usage` shows, from the generated schema. One
 * `USAGE:` line per command (get, set, create, delete) with the required parameters;
 * `--verbose` lists every parameter with its type (pvesh's type notation), default, and
 * the facts the schema holds (required, format, range). The schema carries no prose, so
 * there are no descriptions.
 */

import { findService } from '../../core/services.js';
import type { ApiMethod, JsonSchema } from '../../generated/schema-types.js';
import { flag, normalizeApiPath, parseArgs, UsageError } from '../args.js';
import { CliError, EXIT } from '../exit-codes.js';
import { findNode, loadSchema, VERB_METHODS } from '../schema.js';
import { printHelp } from './help.js';
import { findCommand } from './registry.js';

const VERBS = ['get', 'set', 'create', 'delete'] as const;

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
  if (s.requires) out.push(`requires -${s.requires}`);
  if (s.numbered)
    out.push(`numbered: -${s.numbered.prefix}0 .. -${s.numbered.prefix}${s.numbered.max ?? 'N'}`);
  return out;
}

/** One command's usage text for a schema path. */
export function methodUsage(verb: string, path: string, method: ApiMethod, verbose: boolean): string {
  const props = method.parameters?.properties ?? {};
  // Parameters the path itself fills ({node}, {vmid}) are not options, as in pvesh.
  const pathParams = new Set([...method.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!));
  const names = Object.keys(props)
    .filter((k) => !pathParams.has(k))
    .sort();
  const required = names.filter((k) => !props[k]!.optional);
  const args = required.map((k) => `-${k} <${props[k]!.type ?? 'string'}>`).join(' ');
  let out = `USAGE: proxmox ${verb} ${path}${args ? ` ${args}` : ''}${names.length > 0 ? ' [OPTIONS]' : ''}\n`;
  if (!verbose) return out;
  if (method.task) out += '\n  Starts a task and answers its UPID (follow it with --wait).\n';
  if (names.length > 0) out += '\n';
  for (const k of names) {
    const s = props[k]!;
    const dflt = s.default === undefined ? '' : `   (default=${String(s.default)})`;
    out += `  ${`-${k}`.padEnd(10)} ${typeText(s)}${dflt}\n`;
    out += `             ${facts(s).join('; ')}\n\n`;
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, findCommand('usage')!.options, false);
  if (flag(parsed.options, 'help')) {
    printHelp('usage');
    return EXIT.OK;
  }
  const [rawPath, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const path = normalizeApiPath(rawPath);
  const only = parsed.options.command;
  if (only !== undefined && (only === true || !(only in VERB_METHODS))) {
    throw new UsageError('--command: expected get, set, create or delete');
  }
  const service = findService(await serviceName(parsed.options));
  if (service === undefined) throw new UsageError('--service: expected pve, pbs, pmg or pdm');
  const match = findNode(await loadSchema(service), path.display);
  if (match === undefined) throw new CliError(`no such resource '${path.display}'`, EXIT.NOT_FOUND);

  let out = '';
  for (const verb of VERBS) {
    if (only !== undefined && verb !== only) continue;
    const method = match.node.methods[VERB_METHODS[verb]!];
    if (method === undefined) continue;
    out += methodUsage(verb, path.display, method, flag(parsed.options, 'verbose'));
    if (flag(parsed.options, 'returns')) out += `RETURNS: ${JSON.stringify(method.returns ?? {}, null, 2)}\n`;
  }
  if (out === '') {
    throw new CliError(
      only !== undefined
        ? `no '${only}' handler for '${path.display}'`
        : `no such resource '${path.display}'`,
      EXIT.NOT_FOUND,
    );
  }
  process.stdout.write(out);
  return EXIT.OK;
}

/** --service, else the profile's service (--profile or PROXMOX_PROFILE), else PROXMOX_SERVICE, else PVE. */
async function serviceName(o: Record<string, string | true>): Promise<string> {
  if (typeof o.service === 'string') return o.service;
  const profile = typeof o.profile === 'string' ? o.profile : process.env.PROXMOX_PROFILE || undefined;
  if (profile !== undefined) {
    const { optionsFromProfile } = await import('../../config/config.js');
    const service = (await optionsFromProfile(profile)).service;
    if (service !== undefined) return service;
  }
  return process.env.PROXMOX_SERVICE || 'PVE';
}
