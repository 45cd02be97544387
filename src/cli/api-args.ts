/**
 * What follows the path of `get|set|create|delete`, read against the method's schema, by
 * pvesh's rule (pve-manager PVE/CLI/pvesh.pm builds each verb's options from the method's
 * parameters; pve-common JSONSchema::get_options reads them with Getopt::Long):
 * - every name the method's schema knows is an API parameter, so `--timeout 60` after
 *   `/status/shutdown` is the API's timeout, not ours;
 * - a boolean takes an optional value (`-start`, `-start 0`), sent as 1 or 0;
 * - any other parameter takes the next word as its value, even one starting with `-`
 *   (`-delta -5`, `-command -l`); repeating it makes a list (a `*-list` format joins with `,`);
 * - a name the schema does not know is one of the CLI's own options if we have it
 *   (`--output-format`, `--wait`, `--host`), else an unknown parameter, reported before
 *   anything is sent (see param-check.ts).
 */
import type { ApiMethod, JsonSchema } from '../generated/schema-types.js';
import {
  isOptionLike,
  type OptionTable,
  ownOptionName,
  type ParsedArgs,
  parseBooleanWord,
  readOwnOption,
  splitOptionToken,
  UsageError,
} from './args.js';

export interface ApiArgs {
  /** API parameters to send, in order of first appearance. */
  params: Record<string, string | string[]>;
  /** The CLI's own options given after the path. */
  options: ParsedArgs['options'];
  /** Words that are neither options nor their values. */
  extra: string[];
  /** Names given that the schema does not know and that are not ours. */
  unknown: string[];
  /** Per-parameter problems found while reading (a boolean that is no boolean). */
  errors: Record<string, string>;
}

/** The `{name}`s a method's path fills. */
export function pathParamNames(method: ApiMethod): Set<string> {
  return new Set([...method.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!));
}

/** The schema of a parameter name, counting numbered ones (`net0` -> `net[n]`). */
export function paramSchema(method: ApiMethod, name: string): JsonSchema | undefined {
  const props = method.parameters?.properties ?? {};
  const direct = props[name];
  if (direct !== undefined && direct.numbered === undefined) return direct;
  const m = /^(.*?)(\d+)$/.exec(name);
  const numbered = m ? props[`${m[1]}[n]`] : undefined;
  if (numbered?.numbered === undefined) return undefined;
  const max = numbered.numbered.max;
  return max === undefined || Number(m![2]) <= max ? numbered : undefined;
}

const isList = (s: JsonSchema) => typeof s.format === 'string' && s.format.endsWith('-list');

function add(params: ApiArgs['params'], name: string, value: string): void {
  const previous = params[name];
  if (previous === undefined) params[name] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else params[name] = [previous, value];
}

export function parseApiArgs(argv: readonly string[], method: ApiMethod, own: OptionTable): ApiArgs {
  const out: ApiArgs = { params: {}, options: {}, extra: [], unknown: [], errors: {} };
  const fromPath = pathParamNames(method);
  const lists = new Set<string>();
  let i = 0;
  while (i < argv.length) {
    const token = argv[i]!;
    if (token === '--') {
      out.extra.push(...argv.slice(i + 1));
      break;
    }
    if (!isOptionLike(token)) {
      out.extra.push(token);
      i++;
      continue;
    }
    const { doubleDash, name, inline } = splitOptionToken(token);
    const schema = fromPath.has(name) ? undefined : paramSchema(method, name);
    if (schema !== undefined) {
      if (schema.type === 'boolean') {
        const word = inline ?? (isOptionLike(argv[i + 1]) ? undefined : argv[i + 1]);
        i += inline === undefined && word !== undefined ? 2 : 1;
        try {
          add(
            out.params,
            name,
            word === undefined || word === '' || parseBooleanWord(name, word) ? '1' : '0',
          );
        } catch {
          out.errors[name] = `type check ('boolean') failed - got '${word}'`;
        }
        continue;
      }
      const value = inline ?? argv[i + 1];
      if (value === undefined) throw new UsageError(`parameter --${name} needs a value`);
      i += inline === undefined ? 2 : 1;
      add(out.params, name, value);
      if (isList(schema)) lists.add(name);
      continue;
    }
    const ownName = ownOptionName(own, name, doubleDash);
    const spec = ownName === undefined ? undefined : own[ownName];
    if (ownName !== undefined && spec !== undefined) {
      const read = readOwnOption(argv, i, ownName, spec, inline);
      out.options[ownName] = read.value;
      i = read.next;
      continue;
    }
    if (fromPath.has(name)) {
      out.errors[name] = `the path gives this parameter (${method.path})`;
      i += inline === undefined && argv[i + 1] !== undefined && !isOptionLike(argv[i + 1]) ? 2 : 1;
      continue;
    }
    // Unknown: kept as a parameter (the validator reports it, or sends it where the schema
    // allows extra keys); its value is the next word unless that is another option.
    out.unknown.push(name);
    const next = argv[i + 1];
    if (inline !== undefined) add(out.params, name, inline);
    else if (next === undefined || isOptionLike(next)) add(out.params, name, '1');
    else {
      add(out.params, name, next);
      i++;
    }
    i++;
  }
  for (const name of lists) {
    const value = out.params[name];
    if (Array.isArray(value)) out.params[name] = value.join(',');
  }
  return out;
}
