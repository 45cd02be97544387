/**
 * `proxmox get|set|create|delete <path> [-key value ...]`: one API call, printed as pvesh
 * prints it. The schema is not loaded, except to lay out a list of objects in text output
 * (pvesh takes the columns and their order from the method's return schema).
 */

import { findService } from '../../core/services.js';
import type { ProxmoxOptions } from '../../options/options.js';
import { flag, normalizeApiPath, parseArgs, UsageError } from '../args.js';
import { connectionOptions } from '../connection.js';
import { EXIT } from '../exit-codes.js';
import { followTask, isUpid } from '../output/progress.js';
import {
  formatOutput,
  localeIsUtf8,
  type OutputOptions,
  parseOutputFormat,
  wantsListSchema,
} from '../output/render.js';
import { VERB_METHODS } from '../schema.js';
import { printHelp } from './help.js';
import { findCommand } from './registry.js';

export async function run(argv: string[], verb: string): Promise<number> {
  const info = findCommand(verb)!;
  const parsed = parseArgs(argv, info.options);
  if (flag(parsed.options, 'help')) {
    printHelp(verb);
    return EXIT.OK;
  }
  const [rawPath, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const path = normalizeApiPath(rawPath);
  const output: OutputOptions = {
    format: parseOutputFormat(parsed.options['output-format']),
    noborder: flag(parsed.options, 'noborder'),
    noheader: flag(parsed.options, 'noheader'),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    utf8: localeIsUtf8(),
  };
  const quiet = flag(parsed.options, 'quiet');
  const options = await connectionOptions(parsed.options);

  const { ProxmoxSDK } = await import('../../sdk/proxmox-sdk.js');
  const px = new ProxmoxSDK(options);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const method = VERB_METHODS[verb]!;
    let data: unknown = await px.request(`${method} ${path.encoded}`, parsed.params, {
      signal: interrupt.signal,
    });
    if (flag(parsed.options, 'wait') && isUpid(data)) {
      data = await followTask(px, data, {
        tty: process.stderr.isTTY === true,
        utf8: output.utf8 ?? true,
        verbose: !quiet,
        signal: interrupt.signal,
      });
    }
    if (quiet) return EXIT.OK;
    if (wantsListSchema(data, output)) output.returns = await returnSchema(options, method, path.display);
    process.stdout.write(await formatOutput(data, output));
    return EXIT.OK;
  } finally {
    process.off('SIGINT', onSigint);
    await px.close();
  }
}

/** The method's return schema, for table columns; undefined when the path is not in the schema. */
async function returnSchema(options: ProxmoxOptions, method: string, path: string) {
  const { loadSchema, findNode } = await import('../schema.js');
  const service = findService(String(options.service ?? 'PVE')) ?? 'PVE';
  const match = findNode(await loadSchema(service), path);
  return match?.node.methods[method as 'GET']?.returns;
}
