/**
 * `backend: 'local'`: runs pvesh / pmgsh / proxmox-backup-debug on this machine.
 * The argv goes straight to spawn, never through a shell, so no value needs quoting.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ConnectionError } from '../../core/errors.js';
import type { ResolvedOptions } from '../../options/resolve.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport.js';
import { ChannelLimiter } from './channel-limiter.js';
import type { ShellResult } from './output.js';
import {
  armDeadline,
  type ExecControl,
  runShellRequest,
  type ShellRunContext,
  uploadMeter,
  withSlot,
} from './run.js';

/** Time a child gets between SIGTERM and SIGKILL: pvesh cleans up locks on TERM. */
const KILL_GRACE_MS = 2000;

/** Signals the child's whole process group (it leads one: spawned detached), else the child. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}

/**
 * SIGTERM now, SIGKILL if it is still there after the grace period; to the process group,
 * so that a tool's own children (a wrapper script, helpers it forks) end with it.
 */
export function terminate(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child, 'SIGTERM');
  const hard = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGKILL');
  }, KILL_GRACE_MS);
  hard.unref();
  child.once('close', () => clearTimeout(hard));
}

export interface ProcessHooks {
  stdin?: NodeJS.ReadableStream | undefined;
  /** Sees stderr as it arrives (openssh reads the remote pid from its first line). */
  onStderr?: ((chunk: Buffer) => void) | undefined;
  /** Runs when the timeout or the signal ends the process. */
  onKill?: (() => void) | undefined;
}

/** Runs an argv, collecting output; rejects with TimeoutError/AbortError after killing it. */
export function runProcess(argv: readonly string[], control: ExecControl, hooks: ProcessHooks = {}) {
  const { stdin } = hooks;
  return new Promise<ShellResult>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      // Its own process group, so that a timeout can end everything it started.
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => {
      err.push(b);
      hooks.onStderr?.(b);
    });
    if (stdin && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when the child exits early: its status tells why
      stdin.pipe(child.stdin);
    }
    const deadline = armDeadline(control, () => {
      hooks.onKill?.();
      terminate(child);
      // Reject now instead of on 'close': with ssh multiplexing the master process holds
      // dups of our pipes until the remote command ends, so 'close' could come much later.
      child.stdout!.destroy();
      child.stderr!.destroy();
      reject(deadline.fired());
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      deadline.disarm();
      reject(
        e.code === 'ENOENT'
          ? new ConnectionError(
              `${argv[0]} is not installed here (the local backend runs on the host itself)`,
              {
                cause: e,
              },
            )
          : new ConnectionError(`cannot run ${argv[0]}: ${e.message}`, { cause: e }),
      );
    });
    child.once('close', (exitCode, signal) => {
      deadline.disarm();
      const fired = deadline.fired();
      if (fired) return reject(fired);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode,
        signal,
      });
    });
  });
}

export class LocalTransport implements Transport {
  readonly backend = 'local' as const;
  readonly needsAuth = false;
  readonly #ctx: ShellRunContext;

  constructor(options: ResolvedOptions) {
    const limiter = new ChannelLimiter(options.maxChannels);
    this.#ctx = {
      service: options.service,
      sudo: options.sudo === true,
      defaultTimeout: options.timeout,
      where: 'localhost',
      // maxChannels bounds the tools running at once here too: each pvesh is a Perl process.
      exec: (argv, control) => withSlot(limiter, control, (left) => runProcess(argv, left)),
      stage: async (part, remotePath, control) => {
        const copy = uploadMeter(part, control);
        try {
          // `wx` + 0600: a new private file, never one planted in /var/tmp by someone else.
          await pipeline(
            createReadStream(part.localPath),
            copy.meter,
            createWriteStream(remotePath, { flags: 'wx', mode: 0o600 }),
          );
        } finally {
          copy.stop();
        }
      },
      remove: (remotePath) => rm(remotePath, { force: true }),
    };
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    return runShellRequest(this.#ctx, req);
  }

  async close(): Promise<void> {}
}
