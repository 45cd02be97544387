/**
 * One persistent ssh2 connection with many exec channels at once (bounded by a
 * ChannelLimiter). A dropped connection is noticed and the next call opens a new one;
 * calls that were running when it dropped fail with ConnectionError, never re-run.
 *
 * An idle connection does not keep Node running (as an idle https keep-alive pool does
 * not): its socket is ref'd only while a call is in flight, and the keepalive and the
 * handshake timeout run on unref'd timers of ours, not ssh2's ref'd ones (F8).
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { AuthenticationError, ConnectionError, TimeoutError } from '../../core/errors.js';
import { ChannelLimiter } from '../shell/channel-limiter.js';
import type { ShellResult } from '../shell/output.js';
import { armDeadline, type ExecControl } from '../shell/run.js';
import { authHandler, authSteps, type SshAuthOptions } from './auth.js';
import { checkHostKey, type HostKeyPolicy, knownKeyTypes, preferredHostKeyAlgorithms } from './host-key.js';
import { KEEPALIVE_MS, keepAlive } from './keepalive.js';

export interface SshConnectionOptions extends SshAuthOptions {
  host: string;
  port: number;
  hostKey?: string | undefined;
  knownHostsFile?: string | undefined;
  strictHostKeyChecking: boolean;
  forwardSshAgent: boolean;
  maxChannels: number;
  connectTimeout: number;
  /** Milliseconds between keepalive pings; tests shorten it. */
  keepaliveMs?: number | undefined;
}

export class SshConnection {
  readonly limiter: ChannelLimiter;
  readonly where: string;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  /** The current (or connecting) client's socket: ref'd only while `#busy` > 0. */
  #socket: Socket | undefined;
  /** Calls in flight (exec or SFTP, from the queue to the end). */
  #busy = 0;
  #closed = false;
  /** How many connections were opened; tests and benchmarks read it. */
  connects = 0;

  constructor(readonly options: SshConnectionOptions) {
    this.limiter = new ChannelLimiter(options.maxChannels);
    this.where = `${options.username}@${options.host}:${options.port}`;
  }

  /** The live client, connecting first if there is none (one attempt shared by all callers). */
  client(): Promise<Client> {
    if (this.#closed) return Promise.reject(new ConnectionError(`ssh connection to ${this.where} is closed`));
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * Marks a call in flight until the returned function runs: the socket keeps the process
   * alive only meanwhile. A call that timed out has sent its signal and channel close by
   * then; an idle connection (or a handshake nobody waits for) lets the process exit.
   */
  #hold(): () => void {
    if (this.#busy++ === 0) this.#socket?.ref();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.#busy === 0) this.#socket?.unref();
    };
  }

  /** How many calls are in flight; tests read it. */
  get busy(): number {
    return this.#busy;
  }

  #connect(): Promise<Client> {
    const o = this.options;
    const policy: HostKeyPolicy = {
      host: o.host,
      port: o.port,
      hostKey: o.hostKey,
      knownHostsFile: o.knownHostsFile,
    };
    const tried: string[] = [];
    let refused: string | undefined;
    const agent = o.agent ?? process.env.SSH_AUTH_SOCK;
    const config: ConnectConfig = {
      host: o.host,
      port: o.port,
      username: o.username,
      // Both are ref'd timers inside ssh2: replaced by unref'd ones here (see keepAlive).
      readyTimeout: 0,
      keepaliveInterval: 0,
      authHandler: authHandler(authSteps(o), tried),
      hostVerifier: (key: Buffer) => {
        if (!o.strictHostKeyChecking) return true;
        const verdict = checkHostKey(policy, key);
        if (!verdict.ok) refused = verdict.message;
        return verdict.ok;
      },
      ...(o.strictHostKeyChecking
        ? {
            algorithms: {
              serverHostKey: preferredHostKeyAlgorithms(knownKeyTypes(policy)) as ServerHostKeyAlgorithm[],
            },
          }
        : {}),
      ...(o.forwardSshAgent && agent ? { agent, agentForward: true } : {}),
    };
    return new Promise<Client>((resolve, reject) => {
      const client = new ssh2.Client();
      // Our socket, not ssh2's: its ref state is ours to set (see #hold).
      const socket = tcpConnect({ host: o.host, port: o.port });
      this.#socket = socket;
      if (this.#busy === 0) socket.unref();
      let ready = false;
      let stopKeepAlive: (() => void) | undefined;
      const handshake = setTimeout(() => {
        reject(new TimeoutError(`ssh: no answer from ${this.where} within ${o.connectTimeout} ms`));
        socket.destroy();
      }, o.connectTimeout);
      handshake.unref();
      client.on('ready', () => {
        ready = true;
        clearTimeout(handshake);
        this.connects++;
        // Each call is a few small packets (channel open, exec, close); with Nagle on, every
        // one waits for the peer's delayed ACK: 50 ms per call instead of 5 on loopback.
        socket.setNoDelay(true);
        if (this.#closed) {
          client.end();
          reject(new ConnectionError(`ssh connection to ${this.where} is closed`));
          return;
        }
        stopKeepAlive = keepAlive(client, socket, o.keepaliveMs ?? KEEPALIVE_MS);
        this.#client = client;
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (ready) return; // after ready, 'close' follows and the next call reconnects
        clearTimeout(handshake);
        reject(this.#connectError(err, refused, tried));
      });
      client.on('close', () => {
        clearTimeout(handshake);
        stopKeepAlive?.();
        if (this.#client === client) this.#client = undefined;
        if (this.#socket === socket) this.#socket = undefined;
        if (!ready)
          reject(new ConnectionError(`ssh connection to ${this.where} closed during the handshake`));
      });
      client.connect({ ...config, sock: socket });
    });
  }

  #connectError(err: Error & { level?: string }, refused: string | undefined, tried: string[]): Error {
    if (refused) return new ConnectionError(`ssh: ${refused}`, { cause: err });
    if (err.level === 'client-authentication') {
      return new AuthenticationError(
        `ssh: authentication failed for ${this.where} (tried: ${tried.join(', ') || 'nothing to try: give privateKeyFile, agent or password'})`,
      );
    }
    return new ConnectionError(`ssh: cannot connect to ${this.where}: ${err.message}`, { cause: err });
  }

  /**
   * Runs one command string on its own channel. When the channel cannot even be opened
   * (the connection died unnoticed), nothing ran on the host, so it retries once on a
   * fresh connection; a command that started is never re-run.
   */
  async exec(command: string, control: ExecControl): Promise<ShellResult> {
    const queue = new AbortController();
    let channel: ClientChannel | undefined;
    // sshd leaves a command running when only its channel closes (no pty, no SIGHUP): the
    // signal ends it. OpenSSH >= 7.9 delivers it; closing the channel is the fallback.
    const stop = (c: ClientChannel) => {
      c.signal('TERM');
      c.close();
    };
    const deadline = armDeadline(control, () => {
      queue.abort();
      if (channel) stop(channel);
    });
    const unhold = this.#hold();
    let release: (() => void) | undefined;
    try {
      release = await this.limiter.acquire(queue.signal);
      for (let attempt = 0; ; attempt++) {
        // A handshake that hangs must not hold the call past its deadline.
        const client = await untilAborted(this.client(), queue.signal);
        const fired = deadline.fired();
        if (fired) throw fired;
        try {
          const result = await runOnChannel(client, command, (c) => {
            channel = c;
            if (deadline.fired()) stop(c);
          });
          // A killed command still reports an exit (by signal): the deadline decides.
          const late = deadline.fired();
          if (late) throw late;
          return result;
        } catch (e) {
          if (!(e instanceof NotStarted) || attempt > 0) throw e;
          if (this.#client === client) this.#client = undefined;
          client.destroy();
        }
      }
    } catch (e) {
      const fired = deadline.fired();
      if (fired) throw fired;
      if (e instanceof Refused) {
        throw new ConnectionError(
          `sshd on ${this.where} refused another channel (${e.message}); set maxChannels below its MaxSessions (10 by default)`,
        );
      }
      if (e instanceof NotStarted || e instanceof Dropped) {
        throw new ConnectionError(`ssh connection to ${this.where} ${e.message} during ${control.label}`);
      }
      throw e;
    } finally {
      deadline.disarm();
      release?.();
      unhold();
    }
  }

  /** An SFTP session on its own channel, counted against maxChannels. */
  async withSftp<T>(control: ExecControl, use: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const unhold = this.#hold();
    let release: (() => void) | undefined;
    try {
      release = await this.limiter.acquire(control.signal);
      const client = await untilAborted(this.client(), control.signal);
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((err, s) =>
          err ? reject(new ConnectionError(`ssh: no SFTP on ${this.where}: ${err.message}`)) : resolve(s),
        ),
      );
      try {
        return await use(sftp);
      } finally {
        sftp.end();
      }
    } finally {
      release?.();
      unhold();
    }
  }

  /** Ends the connection; later calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    // Held like a call: code after `await close()` must run, so the socket stays ref'd until it closed.
    const unhold = this.#hold();
    try {
      // A handshake still going is for calls that gave up (close() waits for running ones): end it.
      if (!this.#client && this.#connecting) this.#socket?.destroy();
      const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
      this.#client = undefined;
      if (!client) return;
      await new Promise<void>((resolve) => {
        client.once('close', () => resolve());
        client.end();
      });
    } finally {
      unhold();
    }
  }

  /** Drops the connection without closing the transport (tests of reconnecting use it). */
  destroyConnection(): void {
    this.#client?.destroy();
    this.#client = undefined;
  }
}

/** `p`, or a rejection with the signal's reason once it fires first. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The channel could not be opened or the exec request was refused: nothing ran. */
class NotStarted extends Error {}
/** sshd refused another channel on a working connection. */
class Refused extends Error {}
/** The connection went away while the command ran: its outcome is unknown. */
class Dropped extends Error {}

function runOnChannel(
  client: Client,
  command: string,
  opened: (c: ClientChannel) => void,
): Promise<ShellResult> {
  return new Promise<ShellResult>((resolve, reject) => {
    try {
      client.exec(command, (err, stream) => {
        if (err) {
          // A numeric reason is sshd answering "no" on a live connection (MaxSessions), not a
          // dead connection: replacing the connection would only break the calls running on it.
          const reason = (err as Error & { reason?: unknown }).reason;
          return reject(
            typeof reason === 'number'
              ? new Refused(err.message)
              : new NotStarted(`could not start a command (${err.message})`),
          );
        }
        opened(stream);
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let exit: { code: number | null; signal: string | null } | undefined;
        stream.on('data', (b: Buffer) => out.push(b));
        stream.stderr.on('data', (b: Buffer) => errOut.push(b));
        stream.on('exit', (code: number | null, signal?: string) => {
          exit = { code, signal: signal ?? null };
        });
        stream.on('close', () => {
          if (!exit) return reject(new Dropped('dropped'));
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errOut).toString('utf8'),
            exitCode: exit.code,
            signal: exit.signal,
          });
        });
      });
    } catch (e) {
      // ssh2 throws "Not connected" when the socket died before we noticed.
      reject(new NotStarted(`was not connected (${(e as Error).message})`));
    }
  });
}
