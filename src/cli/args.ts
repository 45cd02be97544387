/**
 * The command line's words, without a schema: the CLI's own options (`--name value`,
 * `--flag`, `--flag 0`), positionals, and pvesh-style `-key value` pairs for commands that
 * take API parameters without a schema. The API verbs parse what follows the path against
 * the method's schema instead (api-args.ts): there every name the schema knows is an API
 * parameter, as in pvesh, and the CLI's own options are the names left over.
 * The formatting options pvesh itself has (`output-format`, `noheader`, ...) are also
 * accepted with one dash, as pvesh accepts them.
 */

import { restOfPathStart } from '../core/path-ids.js';
import type { ServiceName } from '../core/services.js';
import { didYouMean } from './suggest.js';

export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** How a CLI option is written: with a value, or as a flag. */
export interface OptionSpec {
  value: boolean;
  /** Accepted with one dash too (pvesh's standard output options). */
  singleDash?: boolean;
  /** Shown in help. */
  help: string;
  /** Placeholder for the value in help. */
  arg?: string;
  /** Short alias, e.g. `h` for `--help`. */
  short?: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  positionals: string[];
  /** CLI options by name; flags are `true`; a repeated option keeps its last value. */
  options: Record<string, string | true>;
  /** API parameters in order of first appearance; repeated keys become arrays. */
  params: Record<string, string | string[]>;
}

const OPTION_LIKE = /^--?[A-Za-z]/;
const PARAM_NAME = /^[A-Za-z][\w.-]*(\[n\])?$/;
const BOOL_WORD = /^(1|0|true|false|yes|no|on|off)$/i;

/** An option token split up: `--name=value` -> { doubleDash, name, inline }. */
export function splitOptionToken(token: string): { doubleDash: boolean; name: string; inline?: string } {
  const doubleDash = token.startsWith('--');
  const body = token.slice(doubleDash ? 2 : 1);
  const eq = body.indexOf('=');
  return eq === -1
    ? { doubleDash, name: body }
    : { doubleDash, name: body.slice(0, eq), inline: body.slice(eq + 1) };
}

export const isOptionLike = (token: string | undefined): boolean =>
  token !== undefined && OPTION_LIKE.test(token);

/**
 * Reads one of the CLI's own options at `argv[i]` (written `-name` or `--name`; `=value` or the
 * next word for options with a value; flags take an optional 1/0 after them, as pvesh's do).
 * Returns its name, value and the index of the next token.
 */
export function readOwnOption(
  argv: readonly string[],
  i: number,
  name: string,
  spec: OptionSpec,
  inline: string | undefined,
): { value: string | true; next: number } {
  if (spec.value) {
    const value = inline ?? argv[i + 1];
    if (value === undefined) throw new UsageError(`option --${name} needs a value`);
    return { value, next: inline === undefined ? i + 2 : i + 1 };
  }
  if (inline !== undefined) return { value: parseBooleanWord(name, inline) ? true : '0', next: i + 1 };
  const word = argv[i + 1];
  if (word !== undefined && BOOL_WORD.test(word)) {
    return { value: parseBooleanWord(name, word) ? true : '0', next: i + 2 };
  }
  return { value: true, next: i + 1 };
}

function shortNames(table: OptionTable): Map<string, string> {
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(table)) if (spec.short) shorts.set(spec.short, name);
  return shorts;
}

/** The option `table` knows by this written name (`h` -> `help`), if any. */
export function ownOptionName(table: OptionTable, name: string, doubleDash: boolean): string | undefined {
  if (!doubleDash) {
    const short = shortNames(table).get(name);
    if (short !== undefined) return short;
  }
  return table[name] === undefined ? undefined : name;
}

/**
 * The CLI's own options at the start of argv, up to the first word that is no option
 * (`proxmox --profile lab get ...`, `proxmox get --output-format json /path ...`).
 * Any dash style is accepted here: nothing before the verb or the path is an API parameter.
 */
export function leadingOptions(
  argv: readonly string[],
  table: OptionTable,
): { options: ParsedArgs['options']; tokens: string[]; rest: string[] } {
  const options: ParsedArgs['options'] = {};
  let i = 0;
  while (i < argv.length && isOptionLike(argv[i])) {
    const { doubleDash, name, inline } = splitOptionToken(argv[i]!);
    const own = ownOptionName(table, name, doubleDash);
    if (own === undefined) {
      throw new UsageError(`unknown option '${argv[i]}'${didYouMean(name, Object.keys(table))}`);
    }
    const read = readOwnOption(argv, i, own, table[own]!, inline);
    options[own] = read.value;
    i = read.next;
  }
  return { options, tokens: argv.slice(0, i), rest: argv.slice(i) };
}

/**
 * Splits argv into positionals, known CLI options and API parameters (without a schema:
 * see api-args.ts for the API verbs). `allowParams: false` turns any unknown option into a usage error.
 */
export function parseArgs(argv: readonly string[], table: OptionTable, allowParams = true): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: {}, params: {} };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!OPTION_LIKE.test(token)) {
      out.positionals.push(token);
      continue;
    }
    const { doubleDash, name, inline } = splitOptionToken(token);
    const optionName = ownOptionName(table, name, doubleDash);
    const spec = optionName === undefined ? undefined : table[optionName];
    if (
      optionName !== undefined &&
      spec !== undefined &&
      (doubleDash || spec.singleDash || optionName !== name)
    ) {
      const read = readOwnOption(argv, i, optionName, spec, inline);
      out.options[optionName] = read.value;
      i = read.next - 1;
      continue;
    }
    if (!allowParams) {
      throw new UsageError(`unknown option '${token}'${didYouMean(name, Object.keys(table))}`);
    }
    if (!PARAM_NAME.test(name)) throw new UsageError(`'${token}' is not a parameter name`);
    let value: string;
    if (inline !== undefined) value = inline;
    else {
      const next = argv[i + 1];
      // A key followed by nothing or by another option is a boolean flag, as pvesh reads `-start`;
      // but a key repeated after a value is a list (`-command ls -command -l`): take the next word.
      const listSoFar = out.params[name] !== undefined && out.params[name] !== '1';
      if (next === undefined || (OPTION_LIKE.test(next) && !listSoFar)) value = '1';
      else {
        value = next;
        i++;
      }
    }
    const previous = out.params[name];
    if (previous === undefined) out.params[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else out.params[name] = [previous, value];
  }
  return out;
}

export function parseBooleanWord(option: string, word: string): boolean {
  if (/^(1|true|yes|on)$/i.test(word)) return true;
  if (/^(0|false|no|off)$/i.test(word)) return false;
  throw new UsageError(`option --${option}: expected a boolean (1/0), got '${word}'`);
}

/** Whether a parsed flag option is on (`--noborder`, `--noborder 1`), off (`--noborder 0`) or absent. */
export function flag(options: ParsedArgs['options'], name: string): boolean {
  const value = options[name];
  return value === true || (typeof value === 'string' && value !== '0');
}

/**
 * An API path as pvesh takes it: with or without the leading slash, extra slashes folded.
 * Each segment is percent-encoded as one path segment. The mounts that take the rest of the
 * path as one id (storage content `local:iso/x.iso`, IP set `10.0.0.0/8`) come from
 * core/path-ids.ts, the table the SDK sends by; elsewhere an id cannot hold `/`, typed or as
 * `%2F`, since the server splits the path there (refused here, before anything is sent).
 */
export function normalizeApiPath(
  raw: string | undefined,
  service: ServiceName = 'PVE',
): { display: string; encoded: string } {
  if (raw === undefined || raw.trim() === '') throw new UsageError('missing API path');
  const parts = raw
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  const rest = restOfPathStart(service, parts);
  const decoded = rest === -1 ? parts : [...parts.slice(0, rest), parts.slice(rest).join('/')];
  const fixed = rest === -1 ? decoded : decoded.slice(0, rest);
  const bad = fixed.find((s) => s.includes('/'));
  if (bad !== undefined) {
    throw new UsageError(`path id '${bad}' contains '/', which ${service} reads as a path separator`);
  }
  return {
    display: `/${decoded.join('/')}`,
    encoded: `/${decoded.map((s) => encodeURIComponent(s)).join('/')}`,
  };
}
