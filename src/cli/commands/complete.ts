/**
 * `proxmox __complete <words...> <current>`: completion candidates, one per line, for the
 * shell scripts in completion.ts. Commands and options come from the registry; API paths,
 * parameter names and enum values from the schema; node names, vmids and the children of
 * a path from the server, when a connection is configured (flags on the line, environment,
 * or profile), within a short deadline. Any failure prints nothing: completion must never
 * show an error or hang the shell.
 */

import { findService, type ServiceName } from '../../core/services.js';
import type { JsonSchema, SchemaNode } from '../../generated/schema-types.js';
import type { ProxmoxOptions } from '../../options/options.js';
import { findNode, loadSchema } from '../../schema/lookup.js';
import { isOptionLike, type OptionTable, ownOptionName, parseArgs, splitOptionToken } from '../args.js';
import { connectionOptions } from '../connection.js';
import { AGENT_SUBCOMMANDS, guestWordKind, NODE_OPTION_COMMANDS } from '../guest/command-words.js';
import { GLOBAL_OPTIONS } from '../option-tables.js';
import { OUTPUT_FORMATS } from '../output/render.js';
import { childName, VERB_METHODS, variableChild } from '../schema.js';
import { COMMANDS, findCommand } from './registry.js';

/** Milliseconds for all live look-ups together. */
const LIVE_DEADLINE = 1500;
const API_VERBS = new Set(['get', 'set', 'create', 'delete']);
const PATH_COMMANDS = new Set([...API_VERBS, 'ls', 'usage']);

const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  'output-format': OUTPUT_FORMATS,
  service: ['pve', 'pbs', 'pmg', 'pdm'],
  backend: ['https', 'ssh', 'openssh', 'local', 'mock'],
  command: ['get', 'set', 'create', 'delete'],
  dataset: ['demo', 'empty'],
  type: ['qemu', 'lxc'],
};

/** What may follow a command's name, from the registry; `help` takes a command. */
const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(COMMANDS.flatMap((c) => (c.subcommands ? [[c.name, c.subcommands]] : []))),
  help: [...COMMANDS.filter((c) => !c.hidden).map((c) => c.name), 'exit-codes'],
};

/** A live value source, or undefined when no connection is configured. */
type Live = (path: string, pick: string, query?: Record<string, string>) => Promise<string[]>;

function liveSource(options: ProxmoxOptions | undefined): Live | undefined {
  if (options === undefined) return undefined;
  const started = Date.now();
  let client: Promise<{ request: (route: string, params?: object) => Promise<unknown> }> | undefined;
  return async (path, pick, query) => {
    const left = LIVE_DEADLINE - (Date.now() - started);
    if (left <= 50) return [];
    client ??= import('../../sdk/proxmox-sdk.js').then(
      ({ ProxmoxSDK }) => new ProxmoxSDK({ ...options, timeout: LIVE_DEADLINE, retries: 0 }) as never,
    );
    const px = await client;
    const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), left).unref());
    const data = await Promise.race([px.request(`GET ${path}`, query).catch(() => undefined), timer]);
    if (typeof data === 'string' || typeof data === 'number') return [String(data)];
    if (!Array.isArray(data)) return [];
    return data.map((item) => childName(item, pick)).filter((n): n is string => n !== undefined);
  };
}

/** Connection from the line's flags, the environment or a profile, never asking for anything. */
async function optionsFromLine(
  parsedOptions: Record<string, string | true>,
): Promise<ProxmoxOptions | undefined> {
  const { 'password-stdin': _p, 'token-value-stdin': _t, ...rest } = parsedOptions;
  try {
    return await connectionOptions(rest, { interactive: false });
  } catch {
    return undefined;
  }
}

function optionNames(table: OptionTable): string[] {
  return Object.keys(table).map((k) => `--${k}`);
}

async function pathCandidates(
  root: SchemaNode,
  cur: string,
  live: Live | undefined,
  templates: boolean,
): Promise<string[]> {
  const slash = cur.lastIndexOf('/');
  const dir = slash === -1 ? '/' : cur.slice(0, slash + 1);
  const base = dir.startsWith('/') ? dir : `/${dir}`;
  const match = findNode(root, base);
  if (match === undefined) return [];
  const out: string[] = [];
  const suffix = (n: SchemaNode) => (n.children.length > 0 ? '/' : '');
  const variable = variableChild(match.node);
  for (const child of match.node.children) {
    if (child === variable?.child) continue;
    out.push(`${dir}${child.segment}${suffix(child)}`);
  }
  if (variable !== undefined) {
    const names = live && !templates && !base.includes('{') ? await live(base, variable.param) : [];
    if (names.length === 0) out.push(`${dir}${variable.child.segment}${suffix(variable.child)}`);
    for (const name of names) out.push(`${dir}${name}${suffix(variable.child)}`);
  }
  return out;
}

/** Values for an API parameter: its enum, or live names for the parameters everyone types. */
async function paramValues(
  schema: JsonSchema | undefined,
  name: string,
  live: Live | undefined,
  command: string,
): Promise<string[]> {
  if (schema?.enum) return schema.enum.map(String);
  if (schema?.type === 'boolean') return ['1', '0'];
  if (live === undefined) return [];
  if (name === 'node' || name === 'target') return live('/nodes', 'node');
  // A new guest wants the next free id (GET /cluster/nextid answers it as a string).
  if (name === 'vmid' && command === 'create') return live('/cluster/nextid', 'vmid');
  if (name === 'vmid') return live('/cluster/resources', 'vmid', { type: 'vm' });
  if (name === 'storage') return live('/storage', 'storage');
  return [];
}

/**
 * Options before the command (`proxmox --profile lab get ...`): how many words they take,
 * and, when the last one still waits for its value, its name.
 */
function leadingGlobals(before: readonly string[]): { count: number; awaiting?: string } {
  let i = 0;
  while (i < before.length && isOptionLike(before[i])) {
    const { doubleDash, name, inline } = splitOptionToken(before[i]!);
    const own = ownOptionName(GLOBAL_OPTIONS, name, doubleDash);
    if (own === undefined) return { count: i };
    if (GLOBAL_OPTIONS[own]!.value && inline === undefined) {
      if (i + 1 >= before.length) return { count: before.length, awaiting: own };
      i += 2;
    } else i += 1;
  }
  return { count: i };
}

export async function candidates(words: readonly string[]): Promise<string[]> {
  const cur = words[words.length - 1] ?? '';
  const all = words.slice(0, -1);
  const globals = leadingGlobals(all);
  if (globals.awaiting !== undefined) {
    return globals.awaiting === 'profile' ? profileNames() : [...(OPTION_VALUES[globals.awaiting] ?? [])];
  }
  const before = all.slice(globals.count);
  const command = before[0];
  if (command === undefined) {
    if (cur.startsWith('-')) return optionNames(GLOBAL_OPTIONS);
    return COMMANDS.filter((c) => !c.hidden).map((c) => c.name);
  }
  const info = findCommand(command);
  if (info === undefined) return [];
  // The options given before the command count for the connection (live look-ups) too.
  const globalWords = all.slice(0, globals.count);
  // `-key=value` and `--option=value`: the values of `-key value`, written back with the key.
  const inline = /^(--?[A-Za-z][\w.-]*(?:\[n\])?)=(.*)$/s.exec(cur);
  if (inline !== null) {
    const key = inline[1]!;
    return (await candidates([...all, key, inline[2]!])).map((v) => `${key}=${v}`);
  }
  const parsed = safeParse([...globalWords, ...before.slice(1)], info.options);
  const prev = before[before.length - 1] ?? '';
  const prevName = /^--?([\w-]+)$/.exec(prev)?.[1];
  const serviceText =
    typeof parsed.options.service === 'string' ? parsed.options.service : process.env.PROXMOX_SERVICE;
  const service: ServiceName = findService(serviceText ?? 'PVE') ?? 'PVE';

  // The value of one of the CLI's own options (after an API path, only where the method has
  // no parameter of that name: see below).
  const ownValue = prevName !== undefined && info.options[prevName]?.value === true && before.length > 1;
  if (ownValue && !API_VERBS.has(command)) {
    if (prevName === 'profile') return profileNames();
    if (prevName === 'node' && NODE_OPTION_COMMANDS.has(command))
      return (await liveSource(await optionsFromLine(parsed.options)))?.('/nodes', 'node') ?? [];
    return [...(OPTION_VALUES[prevName] ?? [])];
  }
  const guestWord = cur.startsWith('-') ? undefined : guestWordKind(command, parsed.positionals.length);
  if (guestWord === 'agent') return [...AGENT_SUBCOMMANDS];
  if (guestWord !== undefined) {
    const live = liveSource(await optionsFromLine(parsed.options));
    if (live === undefined) return [];
    return guestWord === 'node' ? live('/nodes', 'node') : live('/cluster/resources', 'vmid', { type: 'vm' });
  }
  const sub = SUBCOMMANDS[command];
  if (sub !== undefined) {
    if (command === 'config' && ['show', 'remove', 'use'].includes(before[1] ?? '') && before.length === 2) {
      return profileNames();
    }
    if (cur.startsWith('-')) return optionNames(info.options);
    return before.length === 1 ? [...sub] : [];
  }
  if (!PATH_COMMANDS.has(command)) return cur.startsWith('-') ? optionNames(info.options) : [];

  const root = await loadSchema(service);
  const path = parsed.positionals[0];
  const method = path === undefined ? undefined : findNode(root, path)?.node.methods[VERB_METHODS[command]!];
  const props = method?.parameters?.properties ?? {};
  const pathParams = new Set([...(method?.path ?? '').matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!));
  const needsLive =
    !cur.startsWith('-') && (path === undefined || (prevName !== undefined && prevName in props));
  const live =
    needsLive && command !== 'usage' ? liveSource(await optionsFromLine(parsed.options)) : undefined;

  if (prevName !== undefined && prevName in props && !pathParams.has(prevName)) {
    return paramValues(props[prevName], prevName, live, command);
  }
  if (ownValue) {
    if (prevName === 'profile') return profileNames();
    return [...(OPTION_VALUES[prevName!] ?? [])];
  }
  if (cur.startsWith('-')) {
    const params = API_VERBS.has(command)
      ? Object.keys(props)
          .filter((k) => !pathParams.has(k))
          .map((k) => `${cur.startsWith('--') ? '--' : '-'}${k.replace('[n]', '0')}`)
      : [];
    return [...params, ...optionNames(info.options)];
  }
  if (path === undefined) {
    return pathCandidates(
      root,
      cur === '' ? '/' : cur,
      live,
      command === 'usage' || 'schema' in parsed.options,
    );
  }
  return [];
}

function safeParse(argv: readonly string[], table: OptionTable) {
  try {
    return parseArgs(argv, table);
  } catch {
    return { positionals: [], options: {}, params: {} };
  }
}

async function profileNames(): Promise<string[]> {
  try {
    const { listProfiles } = await import('../profile-store.js');
    return (await listProfiles()).map((p) => p.name);
  } catch {
    return [];
  }
}

export async function run(argv: string[]): Promise<number> {
  let found: string[] = [];
  try {
    const cur = argv[argv.length - 1] ?? '';
    found = (await candidates(argv.length === 0 ? [''] : argv)).filter((c) => c.startsWith(cur));
  } catch {
    found = [];
  }
  process.stdout.write(found.length > 0 ? `${[...new Set(found)].join('\n')}\n` : '');
  return 0;
}
