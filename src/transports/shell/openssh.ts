/**
 * `backend: 'openssh'`: the system `ssh` binary, multiplexed. The first call starts a
 * master connection (ControlMaster) whose socket lives in a private directory; every later
 * call rides on it, so a call costs a channel, not a handshake. `close()` stops the master.
 *
 * BatchMode is always on: no prompt can hang a call, so keys come from identityFile, the
 * agent or the ssh config (`configFile`), never a typed password. A timeout ends the local
 * ssh client and sends the tool on the host SIGTERM by its pid (see #tool).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationError,
  ConnectionError,
  InvalidArgumentError,
  TimeoutError,
} from '../../core/errors.js';
import type { ResolvedOptions } from '../../options/resolve.js';
import { knownHostsName } from '../ssh/host-key.js';
import { sshPort, sshUser } from '../ssh/ssh.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport.js';
import { ChannelLimiter } from './channel-limiter.js';
import { quoteShellArg, toShellCommandLine } from './command.js';
import { type ProcessHooks, runProcess } from './local.js';
import type { ShellResult } from './output.js';
import {
  type ExecControl,
  InFlight,
  runShellRequest,
  type ShellRunContext,
  uploadMeter,
  withSlot,
} from './run.js';

/** Seconds the master outlives its last use if close() is never called. */
const CONTROL_PERSIST = 60;

// ssh exits 255 for its own failures, and so does pvesh when it dies: only these stderr
// lines from ssh itself tell the two apart.
const HOST_KEY = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key is known for/;
const AUTH = /Permission denied \(|Too many authentication failures/;
const CONNECT =
  /^ssh: (connect to host|Could not resolve)|Connection (refused|closed by|reset by)|kex_exchange_identification|Connection timed out|control socket|mux_client/m;

export class OpensshTransport implements Transport {
  readonly backend = 'openssh' as const;
  readonly needsAuth = false;
  readonly #options: ResolvedOptions;
  readonly #ctx: ShellRunContext;
  readonly #host: string;
  #dir: Promise<string> | undefined;
  #warm: Promise<unknown> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #inflight = new InFlight();
  readonly #limiter: ChannelLimiter;

  constructor(options: ResolvedOptions) {
    if (options.hostKey?.startsWith('SHA256:')) {
      throw new InvalidArgumentError(
        "option hostKey: the openssh backend needs the public key line ('ssh-ed25519 AAAA...'), not a fingerprint; or use knownHostsFile",
      );
    }
    this.#options = options;
    this.#limiter = new ChannelLimiter(options.maxChannels);
    this.#host = options.hosts[0]!.hostname;
    const user = sshUser(options);
    const where = `${user ? `${user}@` : ''}${this.#host}${sshPort(options) ? `:${sshPort(options)}` : ''}`;
    this.#ctx = {
      service: options.service,
      sudo: options.sudo === true,
      defaultTimeout: options.timeout,
      where,
      exec: (argv, control) => this.#tool(argv, control),
      stage: async (part, remotePath, control) => {
        // scp would create the file with the local mode; `set -C` + umask 077 make it
        // new (O_EXCL) and private from the first byte, over the same master connection.
        const script = `set -C; umask 077; cat > ${quoteShellArg(remotePath)}`;
        const copy = uploadMeter(part, control);
        const input = createReadStream(part.localPath).pipe(copy.meter);
        input.on('error', () => undefined); // reported through copy.signal below
        try {
          // The meter's idle timeout governs the copy; the day-long deadline only bounds a hang.
          const result = await this.#ssh(
            script,
            { signal: copy.signal, timeout: 86_400_000, label: control.label },
            { stdin: input },
          );
          if (result.exitCode !== 0) {
            throw new ConnectionError(`cannot copy ${part.fileName} to ${where}: ${result.stderr.trim()}`);
          }
        } catch (e) {
          throw copy.signal.aborted ? copy.signal.reason : e;
        } finally {
          copy.stop();
        }
      },
      remove: async (remotePath) => {
        await this.#ssh(`rm -f -- ${quoteShellArg(remotePath)}`, {
          timeout: options.timeout,
          label: 'remove upload',
        });
      },
    };
  }

  /** The private control directory (0700 from mkdtemp), made on first use. */
  #controlDir(): Promise<string> {
    this.#dir ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pxsdk-ssh-'));
      const pin = this.#options.hostKey;
      if (pin) {
        const port = sshPort(this.#options) ?? 22;
        await writeFile(join(dir, 'known_hosts'), `${knownHostsName(this.#host, port)} ${pin.trim()}\n`, {
          mode: 0o600,
        });
      }
      return dir;
    })();
    return this.#dir;
  }

  /** The private directory holding the master's socket, once a call made it. */
  get controlDir(): Promise<string> | undefined {
    return this.#dir;
  }

  /** The ssh options, without the destination and command. */
  async sshArgs(): Promise<string[]> {
    const o = this.#options;
    const dir = await this.#controlDir();
    const port = sshPort(o);
    const user = sshUser(o);
    const strict = o.strictHostKeyChecking;
    const knownHosts = o.hostKey ? join(dir, 'known_hosts') : o.knownHostsFile;
    return [
      ...['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(dir, '%C')}`],
      ...['-o', `ControlPersist=${CONTROL_PERSIST}`, '-o', 'BatchMode=yes'],
      ...['-o', `ConnectTimeout=${Math.max(1, Math.ceil(o.connectTimeout / 1000))}`],
      ...['-o', `StrictHostKeyChecking=${strict ? 'yes' : 'no'}`],
      ...(knownHosts
        ? ['-o', `UserKnownHostsFile=${knownHosts}`]
        : strict
          ? []
          : ['-o', 'UserKnownHostsFile=/dev/null']),
      ...(o.configFile ? ['-F', o.configFile] : []),
      ...(o.privateKeyFile ? ['-i', o.privateKeyFile] : []),
      ...(o.agent ? ['-o', `IdentityAgent=${o.agent}`] : []),
      // ForwardAgent takes a socket path (OpenSSH 8.2+), so the given agent is the one forwarded.
      ...(o.forwardSshAgent ? (o.agent ? ['-o', `ForwardAgent=${o.agent}`] : ['-A']) : []),
      ...(port ? ['-p', String(port)] : []),
      ...(user ? ['-l', user] : []),
    ];
  }

  /**
   * Runs the tool. The remote shell first prints its pid on stderr, then `exec`s the tool
   * (same pid): on timeout the tool gets SIGTERM through the master, which a mux client
   * cannot send itself.
   */
  async #tool(argv: string[], control: ExecControl): Promise<ShellResult> {
    let head = '';
    let pid: string | undefined;
    const hooks: ProcessHooks = {
      onStderr: (chunk) => {
        if (pid !== undefined || head.length > 64) return;
        head += chunk.toString('latin1');
        pid = /^pxsdk-pid (\d+)\n/.exec(head)?.[1];
      },
      onKill: () => {
        if (pid === undefined) return;
        this.#ssh(`kill -TERM ${pid}`, { timeout: 5000, label: 'kill' }).catch(() => undefined);
      },
    };
    const command = `echo "pxsdk-pid $$" >&2; exec ${toShellCommandLine(argv)}`;
    const result = await this.#ssh(command, control, hooks);
    return { ...result, stderr: result.stderr.replace(/^pxsdk-pid \d+\n/, '') };
  }

  #ssh(command: string, control: ExecControl, hooks: ProcessHooks = {}): Promise<ShellResult> {
    if (this.#closed)
      return Promise.reject(new ConnectionError(`openssh transport to ${this.#ctx.where} is closed`));
    // With ControlMaster=auto, calls that start before the master is up would each open a
    // connection of their own; the first call goes alone and the rest follow on its master.
    const warm = this.#warm;
    const run = (async () => {
      if (warm) await warm.catch(() => undefined);
      const argv = ['ssh', ...(await this.sshArgs()), '--', this.#host, command];
      // Each run is a session on the master; sshd refuses sessions past its MaxSessions.
      const result = await withSlot(this.#limiter, control, (left) => runProcess(argv, left, hooks));
      this.#classify(result);
      return result;
    })();
    this.#warm ??= run;
    return run;
  }

  #classify(result: ShellResult): void {
    if (result.exitCode !== 255) return;
    const text = result.stderr;
    const where = this.#ctx.where;
    if (HOST_KEY.test(text)) {
      const fp = /SHA256:[A-Za-z0-9+/]+/.exec(text)?.[0];
      throw new ConnectionError(
        `ssh refused the host key of ${where}${fp ? ` (${fp})` : ''}: ${text.trim().split('\n').pop()}. ` +
          'Check it, then add it to known_hosts (ssh-keyscan) or pass hostKey; strictHostKeyChecking: false skips the check',
      );
    }
    if (AUTH.test(text))
      throw new AuthenticationError(`ssh: authentication failed for ${where}: ${text.trim()}`);
    if (/timed out/i.test(text) && CONNECT.test(text)) throw new TimeoutError(`ssh: ${text.trim()}`);
    if (CONNECT.test(text)) throw new ConnectionError(`ssh: cannot reach ${where}: ${text.trim()}`);
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    return this.#inflight.track(runShellRequest(this.#ctx, req));
  }

  /** Stops the master connection and removes the control directory. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Running calls ride on the master: let them finish before stopping it.
    await this.#inflight.drain();
    this.#closed = true;
    if (!this.#dir) return;
    const dir = await this.#dir;
    await this.#warm?.catch(() => undefined);
    const args = await this.sshArgs();
    await runProcess(['ssh', ...args, '-O', 'exit', '--', this.#host], {
      timeout: 5000,
      label: 'ssh -O exit',
    }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
