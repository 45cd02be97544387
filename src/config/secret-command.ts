/**
 * Secrets printed by a command (`passwordCommand: pass show proxmox/ci`), so that
 * profiles and files need not store them. The command runs through `sh -c` with
 * `execFile` (no shell of ours in between, no prompt: stdin is closed), its stdout is
 * the secret (trimmed). Messages name the option and where it came from, never the
 * command's output, and not the command either (people do write `echo hunter2`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { InvalidArgumentError } from '../core/errors.js';
import type { ProxmoxOptions } from '../options/options.js';
import { SECRET_COMMANDS, type SecretCommandKey, type StoredOptions } from './stored-options.js';

const TIMEOUT = 60_000;
const MAX_OUTPUT = 64 * 1024;

function failure(key: string, where: string, detail: string): InvalidArgumentError {
  return new InvalidArgumentError(`${key} of ${where} failed: ${detail}`);
}

function describe(error: unknown): string {
  // execFile reports the exit status as `code`, execFileSync as `status`.
  const e = error as { code?: unknown; status?: unknown; signal?: unknown; killed?: boolean };
  const exit = typeof e.status === 'number' ? e.status : e.code;
  const how =
    e.killed || e.signal
      ? `stopped (${String(e.signal ?? 'timeout')})`
      : typeof exit === 'number'
        ? `exit status ${exit}`
        : String(exit ?? 'could not run');
  // Its stderr is not quoted: a failing command may print the secret there (issue 15.7),
  // and nothing tells a diagnostic from a secret. Running the command by hand shows it.
  return `${how} (its output is not shown: it may hold the secret; run the command yourself to see it)`;
}

function accept(key: string, where: string, stdout: string): string {
  const secret = stdout.trim();
  if (secret === '') throw failure(key, where, 'it printed nothing');
  return secret;
}

function split(stored: StoredOptions): {
  options: Record<string, unknown>;
  commands: Array<[SecretCommandKey, string]>;
} {
  const options: Record<string, unknown> = { ...stored };
  const commands: Array<[SecretCommandKey, string]> = [];
  for (const key of Object.keys(SECRET_COMMANDS) as SecretCommandKey[]) {
    const command = options[key];
    delete options[key];
    if (command === undefined) continue;
    if (typeof command !== 'string' || command.trim() === '') {
      throw new InvalidArgumentError(`${key}: expected a shell command`);
    }
    // An explicit secret wins over a command for it; the command is then not run.
    if (options[SECRET_COMMANDS[key]] === undefined) commands.push([key, command]);
  }
  return { options, commands };
}

/** Runs the secret commands of `stored` and answers plain options. */
export async function runSecretCommands(stored: StoredOptions, where: string): Promise<ProxmoxOptions> {
  const { options, commands } = split(stored);
  for (const [key, command] of commands) {
    options[SECRET_COMMANDS[key]] = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        'sh',
        ['-c', command],
        { timeout: TIMEOUT, maxBuffer: MAX_OUTPUT, encoding: 'utf8' },
        (error, stdout) => {
          if (error) reject(failure(key, where, describe(error)));
          else {
            try {
              resolve(accept(key, where, stdout));
            } catch (e) {
              reject(e);
            }
          }
        },
      );
      child.stdin?.end();
    });
  }
  return options as ProxmoxOptions;
}

/** The same, blocking (for `ProxmoxSDK.fromEnv()`, which is synchronous). */
export function runSecretCommandsSync(stored: StoredOptions, where: string): ProxmoxOptions {
  const { options, commands } = split(stored);
  for (const [key, command] of commands) {
    let stdout: string;
    try {
      stdout = execFileSync('sh', ['-c', command], {
        timeout: TIMEOUT,
        maxBuffer: MAX_OUTPUT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw failure(key, where, describe(error));
    }
    options[SECRET_COMMANDS[key]] = accept(key, where, stdout);
  }
  return options as ProxmoxOptions;
}
