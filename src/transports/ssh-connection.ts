/**
 * One persistent ssh2 connection with many exec channels at once (bounded by a
 * ChannelLimiter). A dropped connection is noticed and the next call opens a new one;
 * calls that were running when it dropped fail with ConnectionError, never re-run.
 */
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { AuthenticationError, ConnectionError, TimeoutError } from '../errors.js';
import type { ShellResult } from './shell-output.js';
import { armDeadline, type ExecControl } from './shell-run.js';
import { authHandler, authSteps, type SshAuthOptions } from './ssh-auth.js';
import { ChannelLimiter } from './ssh-channel-limiter.js';
import {
  checkHostKey,
  type HostKeyPolicy,
  knownKeyTypes,
  preferredHostKeyAlgorithms,
} from './ssh-host-key.js';

export interface SshConnectionOptions extends SshAuthOptions {
  host: string;
  port: number;
  hostKey?: string | undefined;
  knownHostsFile?: string | undefined;
  strictHostKeyChecking: boolean;
  forwardSshAgent: boolean;
  maxChannels: number;
  connectTimeout: number;
}

export class SshConnection {
  readonly limiter: ChannelLimiter;
  readonly where: string;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
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
      readyTimeout: o.connectTimeout,
      // Notices a silently dead peer (NAT timeout, rebooted host) within ~45 s.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
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
      let ready = false;
      client.on('ready', () => {
        ready = true;
        this.connects++;
        // Each call is a few small packets (channel open, exec, close); with Nagle on, every
        // one waits for the peer's delayed ACK: 50 ms per call instead of 5 on loopback.
        client.setNoDelay(true);
        if (this.#closed) {
          client.end();
          reject(new ConnectionError(`ssh connection to ${this.where} is closed`));
          return;
        }
        this.#client = client;
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (ready) return; // after ready, 'close' follows and the next call reconnects
        reject(this.#connectError(err, refused, tried));
      });
      client.on('close', () => {
        if (this.#client === client) this.#client = undefined;
        if (!ready)
          reject(new ConnectionError(`ssh connection to ${this.where} closed during the handshake`));
      });
      client.connect(config);
    });
  }

  #connectError(err: Error & { level?: string }, refused: string | undefined, tried: string[]): Error {
    if (refused) return new ConnectionError(`ssh: ${refused}`, { cause: err });
    if (err.level === 'client-authentication') {
      return new AuthenticationError(
        `ssh: authentication failed for ${this.where} (tried: ${tried.join(', ') || 'nothing to try: give privateKeyFile, agent or password'})`,
      );
    }
    if (/timed out/i.test(err.message)) {
      return new TimeoutError(`ssh: no answer from ${this.where} within ${this.options.connectTimeout} ms`, {
        cause: err,
      });
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
    const deadline = armDeadline(control, () => {
      queue.abort();
      if (channel) {
        // OpenSSH >= 7.9 delivers the signal; closing the channel is the fallback.
        channel.signal('TERM');
        channel.close();
      }
    });
    let release: (() => void) | undefined;
    try {
      release = await this.limiter.acquire(queue.signal);
      for (let attempt = 0; ; attempt++) {
        const client = await this.client();
        const fired = deadline.fired();
        if (fired) throw fired;
        try {
          const result = await runOnChannel(client, command, (c) => {
            channel = c;
            if (deadline.fired()) c.close();
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
    }
  }

  /** An SFTP session on its own channel, counted against maxChannels. */
  async withSftp<T>(control: ExecControl, use: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const release = await this.limiter.acquire(control.signal);
    try {
      const client = await this.client();
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
      release();
    }
  }

  /** Ends the connection; later calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.end();
    });
  }

  /** Drops the connection without closing the transport (tests of reconnecting use it). */
  destroyConnection(): void {
    this.#client?.destroy();
    this.#client = undefined;
  }
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
