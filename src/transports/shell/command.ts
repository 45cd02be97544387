/**
 * Builds the host tool's command line for one API call (PROTOCOL.md, "The host shells"),
 * as an argv list for `spawn` and, for ssh, as one string quoted for a POSIX remote shell.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { ServiceInfo } from '../../core/services.js';
import type { HttpMethod, ParamScalar, Params } from '../../core/types.js';

/** pvesh, pmgsh and proxmox-backup-debug name the HTTP methods after the CRUD verbs. */
export const SHELL_VERBS: Readonly<Record<HttpMethod, string>> = {
  GET: 'get',
  POST: 'create',
  PUT: 'set',
  DELETE: 'delete',
};

export interface ShellCall {
  method: HttpMethod;
  /** API path as transports receive it: each segment percent-encoded. */
  path: string;
  params: Params;
}

export interface ShellCommandOptions {
  /** Prefix `sudo -n`: fail at once when a password would be needed, never prompt. */
  sudo?: boolean | undefined;
}

/** The tool's argv, e.g. `['pvesh', 'get', '/nodes', '--output-format', 'json']`. */
export function buildShellArgv(
  service: ServiceInfo,
  call: ShellCall,
  options: ShellCommandOptions = {},
): string[] {
  if (service.shell === null) {
    throw new InvalidArgumentError(
      `${service.name} has no shell tool on the host; use the https backend for ${service.name}`,
      { method: call.method, path: call.path },
    );
  }
  // The Rust tools (proxmox-backup-debug) take GNU-style `--key`; the Perl ones `-key`.
  const dash = service.shell[0] === 'proxmox-backup-debug' ? '--' : '-';
  const argv = [
    ...(options.sudo ? ['sudo', '-n', '--'] : []),
    ...service.shell,
    SHELL_VERBS[call.method],
    decodeApiPath(call.path),
    ...paramArgs(call.params, dash),
    ...(service.shellOutputFlag ? ['--output-format', 'json'] : []),
  ];
  for (const arg of argv) {
    // No argv can carry NUL; refusing here beats a truncated argument on the host.
    if (arg.includes('\0')) {
      throw new InvalidArgumentError('shell backends cannot pass a NUL character in a parameter', {
        method: call.method,
        path: call.path,
      });
    }
  }
  return argv;
}

/** Undoes the per-segment percent-encoding: the shell tools take the path as written. */
export function decodeApiPath(path: string): string {
  if (!path.startsWith('/')) throw new InvalidArgumentError(`path '${path}' must start with /`);
  try {
    return path
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
  } catch {
    throw new InvalidArgumentError(`path '${path}' has an invalid percent-encoding`);
  }
}

const KEY = /^[A-Za-z][A-Za-z0-9_.[\]-]*$/;

function scalar(key: string, value: ParamScalar): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`parameter ${key}: ${value} is not a number`);
    return String(value);
  }
  return value;
}

/**
 * `-key value` pairs; arrays repeat the key (which is also how `agent/exec` takes its
 * `command`, one `-command` per argument); undefined and null are left out, as on HTTP.
 */
export function paramArgs(params: Params, dash: '-' | '--' = '-'): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    // A key is an option name for the tool: anything else could smuggle in another option.
    if (!KEY.test(key)) throw new InvalidArgumentError(`parameter name '${key}' is not valid`);
    const values = Array.isArray(value) ? value : [value as ParamScalar];
    for (const item of values) out.push(`${dash}${key}`, scalar(key, item));
  }
  return out;
}

// Words made only of these need no quotes in any POSIX shell (no globbing, expansion or
// assignment), which keeps commands readable in logs and in ps output on the host.
const PLAIN = /^[A-Za-z0-9_/.,:@%+-]+$/;

/**
 * Quotes one argument for a POSIX shell: single quotes keep everything literal
 * (newlines included); a single quote is closed, escaped and reopened as `'\''`.
 */
export function quoteShellArg(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The argv as one command string for `sh -c` on the remote side of ssh. */
export function toShellCommandLine(argv: readonly string[]): string {
  return argv.map(quoteShellArg).join(' ');
}
