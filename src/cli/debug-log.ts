/**
 * `--debug`: each request and answer on stderr, from the SDK's own debug log (option
 * `debug`, the lines PROXMOX_DEBUG prints) and its afterResponse hook for the answer's
 * body. Both get records the SDK has already masked (tickets, CSRF tokens, token
 * secrets, passwords), so nothing here handles a secret.
 */
import type { ResponseRecord } from '../core/hook-types.js';
import type { ProxmoxOptions } from '../options/options.js';

/** Answers longer than this are cut: a debug log of /cluster/resources should stay readable. */
const MAX_BODY = 4000;

function bodyLine(r: ResponseRecord): string | undefined {
  if (r.body === undefined) return undefined;
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const cut = text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}... (${text.length} characters)` : text;
  return `proxmox-sdk < ${cut}`;
}

/** The SDK options that turn the log on, writing to `out` (stderr). */
export function debugOptions(
  options: ProxmoxOptions,
  out: NodeJS.WritableStream = process.stderr,
): ProxmoxOptions {
  const write = (line: string) => out.write(`${line}\n`);
  const hooks = options.hooks ?? {};
  return {
    ...options,
    debug: write,
    hooks: {
      ...hooks,
      afterResponse: [
        ...(hooks.afterResponse ?? []),
        (r) => {
          const line = bodyLine(r);
          if (line !== undefined) write(line);
        },
      ],
    },
  };
}
