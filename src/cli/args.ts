/**
 * pvesh's argument syntax, without the schema: `-vmid 100`, `--vmid 100`, `-vmid=100`,
 * repeated keys for arrays, and a bare `-start` for a boolean (sent as `1`).
 *
 * pvesh knows each parameter's type from the schema; we do not load the schema for
 * API calls (start-up cost), so a key without a value is recognised by what follows it:
 * nothing, or another option. Values that start with `-` and a letter must be written
 * `-key=value`, unless the key was already given a value (a list, as `agent/exec`'s
 * `-command ls -command -l`). Negative numbers (`-delta -5`) are values.
 *
 * The CLI's own options (connection, output) are double-dash only (`--timeout`), so that
 * an API parameter of the same name stays reachable with one dash (`-timeout 60`).
 * The formatting options pvesh itself has (`output-format`, `noheader`, ...) are also
 * accepted with one dash, as pvesh accepts them.
 */

export class UsageError extends Error {
  override readonly name = 'UsageError';
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

/**
 * Splits argv into positionals, known CLI options and API parameters.
 * `allowParams: false` turns any unknown option into a usage error.
 */
export function parseArgs(argv: readonly string[], table: OptionTable, allowParams = true): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: {}, params: {} };
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(table)) if (spec.short) shorts.set(spec.short, name);

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
    const doubleDash = token.startsWith('--');
    const body = token.slice(doubleDash ? 2 : 1);
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const inline = eq === -1 ? undefined : body.slice(eq + 1);

    const shortName = !doubleDash ? shorts.get(name) : undefined;
    const optionName = shortName ?? name;
    const spec = table[optionName];
    if (spec !== undefined && (doubleDash || spec.singleDash || shortName !== undefined)) {
      if (spec.value) {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`option --${optionName} needs a value`);
        out.options[optionName] = value;
      } else if (inline !== undefined) {
        // pvesh's booleans take an optional 0/1 value: `--noborder 0` turns it off.
        out.options[optionName] = parseBooleanWord(optionName, inline) ? true : '0';
      } else if (argv[i + 1] !== undefined && BOOL_WORD.test(argv[i + 1]!)) {
        out.options[optionName] = parseBooleanWord(optionName, argv[++i]!) ? true : '0';
      } else {
        out.options[optionName] = true;
      }
      continue;
    }
    if (!allowParams) throw new UsageError(`unknown option '${token}'`);
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

function parseBooleanWord(option: string, word: string): boolean {
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
 * Paths whose last parameter takes the rest of the path, as the Proxmox router matches
 * them (PVE registers storage content with `fragmentDelimiter: ''`): `local:iso/x.iso`
 * is one volume id. Known by shape, so that a call needs no schema.
 */
const REST_OF_PATH: readonly RegExp[] = [/^(nodes\/[^/]+\/storage\/[^/]+\/content)\/(.+)$/];

/**
 * An API path as pvesh takes it: with or without the leading slash, extra slashes folded.
 * Each segment is percent-encoded as one path segment (`%2F` may be typed to embed a slash).
 */
export function normalizeApiPath(raw: string | undefined): { display: string; encoded: string } {
  if (raw === undefined || raw.trim() === '') throw new UsageError('missing API path');
  const folded = raw
    .split('/')
    .filter((s) => s !== '')
    .join('/');
  const rest = REST_OF_PATH.map((re) => re.exec(folded)).find((m) => m !== null);
  const segments = rest ? [...rest[1]!.split('/'), rest[2]!] : folded.split('/').filter((s) => s !== '');
  const decoded = segments.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return {
    display: `/${decoded.join('/')}`,
    encoded: `/${decoded.map((s) => encodeURIComponent(s)).join('/')}`,
  };
}
