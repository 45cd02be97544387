/**
 * `proxmox [options] get|set|create|delete <path> [--key value ...]`: one API call, printed
 * as pvesh prints it. The method's schema is loaded first: it says which names after the
 * path are API parameters (api-args.ts), checks them before anything is sent
 * (param-check.ts), and lays out the answer (columns, renderers).
 */

import { findService, type ServiceName } from '../../core/services.js';
import { isUpid } from '../../core/upid.js';
import type { ApiMethod } from '../../generated/schema-types.js';
import { findMethod, loadSchema } from '../../schema/lookup.js';
import { parseApiArgs } from '../api-args.js';
import { flag, leadingOptions, normalizeApiPath, type ParsedArgs, UsageError } from '../args.js';
import { connectionOptions } from '../connection.js';
import { CliError, EXIT } from '../exit-codes.js';
import { followTask } from '../output/progress.js';
import { formatOutput, localeIsUtf8, type OutputOptions, parseOutputFormat } from '../output/render.js';
import { checkParams } from '../param-check.js';
import { VERB_METHODS } from '../schema.js';
import { chooseService } from '../service-choice.js';
import { usageLine } from '../usage-text.js';
import { commandHelp } from './help.js';
import { findCommand } from './registry.js';

interface Resolved {
  method: ApiMethod;
  pathValues: Record<string, string>;
}

/** The schema method of a verb on a concrete path; exit 4 when the path does not exist. */
async function resolveMethod(service: ServiceName, verb: string, path: { display: string; encoded: string }) {
  const httpMethod = VERB_METHODS[verb]!;
  const match = findMethod(await loadSchema(service), httpMethod, path.encoded);
  if (match === undefined) throw new CliError(`no such resource '${path.display}'`, EXIT.NOT_FOUND);
  if (match.method === undefined) {
    const verbs = Object.keys(VERB_METHODS).filter((v) => match.node.methods[VERB_METHODS[v]!] !== undefined);
    throw new UsageError(
      `no '${verb}' handler for '${path.display}'${verbs.length > 0 ? `; it has: ${verbs.join(', ')}` : ''}`,
    );
  }
  return { method: match.method, pathValues: match.pathParams } satisfies Resolved;
}

function outputOptions(o: ParsedArgs['options'], method: ApiMethod): OutputOptions {
  return {
    format: parseOutputFormat(o['output-format']),
    noborder: flag(o, 'noborder'),
    noheader: flag(o, 'noheader'),
    humanReadable: o['human-readable'] === undefined || flag(o, 'human-readable'),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    utf8: localeIsUtf8(),
    returns: method.returns,
  };
}

export async function run(argv: string[], verb: string, globals: readonly string[] = []): Promise<number> {
  const info = findCommand(verb)!;
  // Before the path, every option is ours; after it, the schema's names come first.
  const before = leadingOptions([...globals, ...argv], info.options);
  if (flag(before.options, 'help')) {
    process.stdout.write(commandHelp(verb));
    return EXIT.OK;
  }
  const [rawPath, ...after] = before.rest;
  let service = await chooseService(before.options);
  let path = normalizeApiPath(rawPath, service);
  let resolved = await resolveMethod(service, verb, path);
  let args = parseApiArgs(after, resolved.method, info.options);
  const lateService = args.options.service;
  if (typeof lateService === 'string' && findService(lateService) !== service) {
    service = await chooseService({ service: lateService });
    path = normalizeApiPath(rawPath, service);
    resolved = await resolveMethod(service, verb, path);
    args = parseApiArgs(after, resolved.method, info.options);
  }
  const own = { ...before.options, ...args.options };
  if (flag(own, 'help')) {
    process.stdout.write(`${commandHelp(verb)}\n${usageLine(verb, path.display, resolved.method, true)}\n`);
    return EXIT.OK;
  }
  checkParams({ verb, path: path.display, ownNames: Object.keys(info.options), ...resolved }, args);
  const output = outputOptions(own, resolved.method);
  const quiet = flag(own, 'quiet');
  if (flag(own, 'curl')) {
    const { curlScript } = await import('../curl.js');
    const call = { method: VERB_METHODS[verb]!, path: path.encoded, params: args.params };
    process.stdout.write(
      await curlScript({ ...call, options: await connectionOptions(own, { secrets: false }) }),
    );
    return EXIT.OK;
  }
  let options = await connectionOptions(own);
  if (flag(own, 'debug')) options = (await import('../debug-log.js')).debugOptions(options);

  const { ProxmoxSDK } = await import('../../sdk/proxmox-sdk.js');
  const px = new ProxmoxSDK(options);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const data: unknown = await px.request(`${VERB_METHODS[verb]} ${path.encoded}`, args.params, {
      signal: interrupt.signal,
    });
    // The result (for a task, its UPID) goes to stdout first: a script captures it even when
    // the task then fails. Progress and the final status go to stderr.
    if (!quiet) process.stdout.write(await formatOutput(data, output));
    if (flag(own, 'wait') && isUpid(data)) {
      await followTask(px, data, {
        tty: process.stderr.isTTY === true,
        utf8: output.utf8 ?? true,
        verbose: !quiet,
        signal: interrupt.signal,
      });
    }
    return EXIT.OK;
  } finally {
    process.off('SIGINT', onSigint);
    await px.close();
  }
}
