/**
 * `proxmox usage <path>`: what pvesh's `usage` shows, from the generated schema. One
 * `USAGE:` line per command (get, set, create, delete) with the required parameters;
 * `--verbose` lists every parameter with its type (pvesh's type notation), default, and
 * the facts the schema holds (required, format, range). The schema carries no prose, so
 * there are no descriptions.
 */

import { findNode, loadSchema } from '../../schema/lookup.js';
import { flag, normalizeApiPath, parseArgs, UsageError } from '../args.js';
import { CliError, EXIT } from '../exit-codes.js';
import { VERB_METHODS } from '../schema.js';
import { chooseService } from '../service-choice.js';
import { methodUsage, prettySortedJson } from '../usage-text.js';
import { printHelp } from './help.js';
import { findCommand } from './registry.js';

const VERBS = ['get', 'set', 'create', 'delete'] as const;

export async function run(argv: string[], _name = 'usage', globals: readonly string[] = []): Promise<number> {
  const parsed = parseArgs([...globals, ...argv], findCommand('usage')!.options, false);
  if (flag(parsed.options, 'help')) {
    printHelp('usage');
    return EXIT.OK;
  }
  const [rawPath, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const only = parsed.options.command;
  if (only !== undefined && (only === true || !(only in VERB_METHODS))) {
    throw new UsageError('--command: expected get, set, create or delete');
  }
  const service = await chooseService(parsed.options);
  const path = normalizeApiPath(rawPath, service);
  const match = findNode(await loadSchema(service), path.encoded);
  if (match === undefined) throw new CliError(`no such resource '${path.display}'`, EXIT.NOT_FOUND);

  let out = '';
  for (const verb of VERBS) {
    if (only !== undefined && verb !== only) continue;
    const method = match.node.methods[VERB_METHODS[verb]!];
    if (method === undefined) continue;
    out += methodUsage(verb, path.display, method, flag(parsed.options, 'verbose'));
    if (flag(parsed.options, 'returns')) out += `RETURNS: ${prettySortedJson(method.returns ?? {})}\n`;
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
