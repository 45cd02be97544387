/**
 * Exit statuses of `proxmox`, one per kind of failure, so that scripts can branch on them.
 * The SDK's errors carry a stable `code` (src/core/errors.ts); we map codes, never classes,
 * because `instanceof` does not survive two copies of the package.
 * Documented in docs/cli.md and `proxmox help exit-codes`: keep the three in step.
 */
import { UsageError } from './args.js';

export const EXIT = {
  OK: 0,
  /** The server refused the call (other 4xx/5xx), or anything unexpected. */
  SERVER_ERROR: 1,
  /** Bad command line, options or parameters (also the server's 400 "Parameter verification failed"). */
  USAGE: 2,
  /** Login failed, credentials missing or refused (401), or permission denied (403). */
  AUTH: 3,
  /** The path or object does not exist (404, or Proxmox's "does not exist" 500s). */
  NOT_FOUND: 4,
  /** `--wait` followed a task that ended with an error; `bulk`: a guest failed. */
  TASK_FAILED: 5,
  /** The server could not be reached, TLS failed, or a request or wait timed out. */
  CONNECTION: 6,
  /** Interrupted by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  INTERRUPTED: 130,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the server refused the call (other HTTP errors), or an unexpected error
  2    usage: bad command line, options or parameters (also a 400 from the server)
  3    authentication failed, credentials missing, or permission denied (401/403)
  4    not found: no such path or object (404, or "... does not exist")
  5    --wait: the task ended with an error; bulk: a guest failed
  6    connection failed, TLS verification failed, or a timeout
  130  interrupted (Ctrl-C)
`;

/** A failure the CLI itself detects, with the exit status it means. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A ConnectionError whose cause is the server certificate (its `certificate` field). */
export function isCertificateRefusal(error: unknown): boolean {
  const e = error as { code?: unknown; certificate?: unknown } | undefined;
  return e?.code === 'PROXMOX_CONNECTION' && e.certificate === true;
}

/** Proxmox often reports a missing VM or file as a 500 with these words. */
// PVE answers a node name it does not know with a 500 "hostname lookup 'pve9' failed ..."
// (the name is resolved to proxy the call to that node; the simulator's requireNode too).
const NOT_FOUND_TEXT =
  /does not exist|no such (resource|file|vm|container|user|group|role|storage|node)|hostname lookup '[^']*' failed/i;

/** The exit status for an error thrown by the SDK or the CLI. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof CliError) return error.exitCode;
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown; content?: unknown };
  switch (e?.code) {
    case 'PROXMOX_INVALID_ARGUMENT':
      return EXIT.USAGE;
    case 'PROXMOX_AUTH':
      return EXIT.AUTH;
    case 'PROXMOX_TASK_FAILED':
      return EXIT.TASK_FAILED;
    case 'PROXMOX_CONNECTION':
    case 'PROXMOX_TIMEOUT':
      return EXIT.CONNECTION;
    case 'PROXMOX_ABORTED':
      return EXIT.INTERRUPTED;
    case 'PROXMOX_GUEST_LOOKUP':
      // No guest by that VMID or name; several carry the name: the command line must say which.
      return (error as { reason?: unknown }).reason === 'ambiguous' ? EXIT.USAGE : EXIT.NOT_FOUND;
    case 'PROXMOX_RESOURCE': {
      const status = e.statusCode;
      if (status === 401 || status === 403) return EXIT.AUTH;
      if (status === 404) return EXIT.NOT_FOUND;
      const text = `${String(e.message ?? '')} ${String(e.content ?? '')}`;
      if (NOT_FOUND_TEXT.test(text)) return EXIT.NOT_FOUND;
      // 400 "Parameter verification failed": the command line was wrong.
      if (status === 400) return EXIT.USAGE;
      return EXIT.SERVER_ERROR;
    }
    default:
      return EXIT.SERVER_ERROR;
  }
}
