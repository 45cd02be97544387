/**
 * Checks an API call's parameters against the method's schema before anything is sent, as
 * pvesh does (pve-common RESTHandler::cli_handler): the error is pvesh's, a `400 Parameter
 * verification failed.` line, one `name: problem` line per parameter, then the usage line.
 * We add a suggestion for a mistyped name (`--output` -> `--output-format`).
 */
import type { ApiMethod } from '../generated/schema-types.js';
import { validateParams } from '../schema/validate.js';
import { type ApiArgs, pathParamNames } from './api-args.js';
import { UsageError } from './args.js';
import { didYouMean } from './suggest.js';
import { usageLine } from './usage-text.js';

/** Bad parameters, found locally; the message carries pvesh's per-parameter lines and usage. */
export class ParameterError extends UsageError {
  override readonly name = 'ParameterError';
  constructor(
    message: string,
    /** Problems by parameter name. */
    readonly errors: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

export interface CallShape {
  verb: string;
  /** The path as typed, normalised (`/nodes/pve1/qemu`). */
  path: string;
  method: ApiMethod;
  /** Values of the `{name}`s the path filled. */
  pathValues: Readonly<Record<string, string>>;
  /** Names of the CLI's own options, for suggestions. */
  ownNames: readonly string[];
}

/** Throws ParameterError when the parameters do not fit the schema; nothing has been sent then. */
export function checkParams(call: CallShape, args: ApiArgs): void {
  const errors: Record<string, string> = { ...args.errors };
  const found = validateParams(call.method, { ...args.params, ...call.pathValues }) ?? {};
  for (const [key, message] of Object.entries(found)) errors[key] ??= message;
  const unknown = new Set(args.unknown);
  const fromPath = pathParamNames(call.method);
  const known = [
    ...Object.keys(call.method.parameters?.properties ?? {}).filter((k) => !fromPath.has(k)),
    ...call.ownNames,
  ];
  for (const key of Object.keys(errors)) {
    if (unknown.has(key)) errors[key] += didYouMean(key, known);
  }
  const extra = args.extra.length > 0 ? `too many arguments: ${args.extra.join(' ')}\n` : '';
  if (Object.keys(errors).length === 0 && extra === '') return;
  const lines = Object.keys(errors)
    .sort()
    .map((key) => `${key}: ${errors[key]}\n`)
    .join('');
  const head = Object.keys(errors).length > 0 ? '400 Parameter verification failed.\n' : '';
  throw new ParameterError(
    `${head}${lines}${extra}${usageLine(call.verb, call.path, call.method, true)}\n` +
      '(checked against the schema before sending: nothing was sent)',
    errors,
  );
}
