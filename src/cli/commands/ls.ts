/**
 * `proxmox ls [path]`: the child paths of a path with pvesh's capability column.
 * Static children come from the schema. Children named by a parameter (`{node}`, `{vmid}`)
 * are asked of the server when a connection is configured, as pvesh lists them from the
 * GET answer; without a connection (or with --schema) they show as the template.
 */

import { findService } from '../../core/services.js';
import type { SchemaNode } from '../../generated/schema-types.js';
import type { ProxmoxOptions } from '../../options/options.js';
import { findNode, loadSchema } from '../../schema/lookup.js';
import { flag, normalizeApiPath, type ParsedArgs, parseArgs, UsageError } from '../args.js';
import { connectionOptions } from '../connection.js';
import { CliError, EXIT } from '../exit-codes.js';
import { formatOutput, localeIsUtf8, parseOutputFormat } from '../output/render.js';
import { capabilities, childName, variableChild } from '../schema.js';
import { printHelp } from './help.js';
import { findCommand } from './registry.js';

export interface LsEntry {
  name: string;
  capabilities: string;
}

/** Connection options if the flags, environment or a profile give one; undefined otherwise. */
async function optionalConnection(parsed: ParsedArgs): Promise<ProxmoxOptions | undefined> {
  try {
    return await connectionOptions(parsed.options);
  } catch (error) {
    if (error instanceof UsageError && /^no (server|user) given/.test(error.message)) return undefined;
    throw error;
  }
}

/** Names of the children of `node` as the server lists them (GET on the path). */
async function liveNames(options: ProxmoxOptions, encodedPath: string, param: string): Promise<string[]> {
  const { ProxmoxSDK } = await import('../../sdk/proxmox-sdk.js');
  const px = new ProxmoxSDK(options);
  try {
    const data = await px.request(`GET ${encodedPath}`);
    if (!Array.isArray(data)) return [];
    return data.map((item) => childName(item, param)).filter((n): n is string => n !== undefined);
  } finally {
    await px.close();
  }
}

export async function listChildren(
  node: SchemaNode,
  live: (param: string) => Promise<string[]> | undefined,
): Promise<LsEntry[]> {
  const entries: LsEntry[] = [];
  const variable = variableChild(node);
  for (const child of node.children) {
    if (child === variable?.child) continue;
    entries.push({ name: child.segment, capabilities: capabilities(child) });
  }
  if (variable !== undefined) {
    const names = live(variable.param);
    const caps = capabilities(variable.child);
    if (names === undefined) entries.push({ name: variable.child.segment, capabilities: caps });
    else for (const name of await names) entries.push({ name, capabilities: caps });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function run(argv: string[], _name = 'ls', globals: readonly string[] = []): Promise<number> {
  const parsed = parseArgs([...globals, ...argv], findCommand('ls')!.options, false);
  if (flag(parsed.options, 'help')) {
    printHelp('ls');
    return EXIT.OK;
  }
  const [rawPath, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const format = parseOutputFormat(parsed.options['output-format']);
  const connection = flag(parsed.options, 'schema') ? undefined : await optionalConnection(parsed);
  const serviceText = connection?.service ?? parsed.options.service;
  const service = findService(typeof serviceText === 'string' ? serviceText : 'PVE');
  if (service === undefined) throw new UsageError('--service: expected pve, pbs, pmg or pdm');
  const path = normalizeApiPath(rawPath ?? '/', service);

  const match = findNode(await loadSchema(service), path.encoded);
  if (match === undefined) throw new CliError(`no such resource '${path.display}'`, EXIT.NOT_FOUND);
  if (match.node.children.length === 0) {
    throw new CliError(`resource '${path.display}' has no child paths`, EXIT.USAGE);
  }
  const templated = path.display.includes('{');
  const entries = await listChildren(match.node, (param) =>
    connection === undefined || templated ? undefined : liveNames(connection, path.encoded, param),
  );
  // pvesh prints ls without borders and headers unless asked (`--noborder 0`).
  const explicit = (name: string, fallback: boolean) =>
    parsed.options[name] === undefined ? fallback : flag(parsed.options, name);
  process.stdout.write(
    await formatOutput(entries, {
      format,
      noborder: explicit('noborder', format === 'text'),
      noheader: explicit('noheader', format === 'text'),
      columns: process.stdout.isTTY ? process.stdout.columns : undefined,
      utf8: localeIsUtf8(),
      sortKey: 'name',
      returns: {
        type: 'array',
        items: { type: 'object', properties: { capabilities: {}, name: { optional: true } } },
      },
    }),
  );
  return EXIT.OK;
}
