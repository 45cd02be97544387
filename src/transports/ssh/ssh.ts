/**
 * `backend: 'ssh'` (alias `ssh_paramiko`): the host tool over ssh2, pure JS. One
 * connection per transport, each call on its own exec channel; uploads go by SFTP.
 *
 * Choices worth knowing:
 * - Auth order: privateKeyFile (or identityFile) with passphrase, the agent (`agent` or
 *   SSH_AUTH_SOCK), ~/.ssh/id_{ed25519,ecdsa,rsa} when no key file is named, then the
 *   password, then keyboard-interactive answered with the password.
 * - Host keys: known_hosts (default ~/.ssh/known_hosts) or `hostKey`; unknown and changed
 *   keys are refused unless `strictHostKeyChecking: false`. Nothing is ever written to
 *   known_hosts: adding a key is the user's decision.
 * - Only `hosts[0]` is used; the login shell on the host must be a POSIX shell (sh, bash,
 *   dash, zsh), since arguments are single-quoted for it.
 * - Uploads are staged as /var/tmp/pveupload-<32 hex> (the only name pvesh's `tmpfilename`
 *   accepts), created exclusively with mode 0600, and removed afterwards in any case.
 */
import { createReadStream } from 'node:fs';
import { userInfo } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../../core/errors.js';
import type { ResolvedOptions } from '../../options/resolve.js';
import { toShellCommandLine } from '../shell/command.js';
import { InFlight, runShellRequest, type ShellRunContext, uploadMeter } from '../shell/run.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport.js';
import { SshConnection } from './connection.js';

/**
 * The ssh port, or undefined for 22 (the default the options resolve to for ssh backends),
 * so that openssh leaves the choice to the user's ssh config.
 */
export function sshPort(options: ResolvedOptions): number | undefined {
  const port = options.hosts[0]?.port;
  return port === undefined || port === 22 ? undefined : port;
}

/** The login name: `user` without a `@pam` realm (users paste `root@pam`), else the local user. */
export function sshUser(options: ResolvedOptions): string | undefined {
  return options.user?.replace(/@pam$/, '');
}

export class SshTransport implements Transport {
  readonly backend = 'ssh' as const;
  readonly needsAuth = false;
  readonly connection: SshConnection;
  readonly #ctx: ShellRunContext;
  readonly #inflight = new InFlight();

  constructor(options: ResolvedOptions) {
    const host = options.hosts[0]!;
    if (options.forwardSshAgent && !(options.agent ?? process.env.SSH_AUTH_SOCK)) {
      throw new InvalidArgumentError(
        'option forwardSshAgent: there is no agent to forward; set agent or SSH_AUTH_SOCK',
      );
    }
    this.connection = new SshConnection({
      host: host.hostname,
      port: sshPort(options) ?? 22,
      username: sshUser(options) ?? userInfo().username,
      privateKeyFile: options.privateKeyFile,
      passphrase: options.passphrase,
      password: options.password,
      agent: options.agent,
      hostKey: options.hostKey,
      knownHostsFile: options.knownHostsFile,
      strictHostKeyChecking: options.strictHostKeyChecking,
      forwardSshAgent: options.forwardSshAgent === true,
      maxChannels: options.maxChannels,
      connectTimeout: options.connectTimeout,
    });
    const conn = this.connection;
    this.#ctx = {
      service: options.service,
      sudo: options.sudo === true,
      defaultTimeout: options.timeout,
      where: conn.where,
      // `exec` replaces the login shell with the tool, so a signal on timeout reaches the tool.
      exec: (argv, control) => conn.exec(`exec ${toShellCommandLine(argv)}`, control),
      stage: (part, remotePath, control) =>
        conn.withSftp(control, async (sftp) => {
          const copy = uploadMeter(part, control);
          try {
            // `wx` + 0600: a fresh private file, never one someone planted in /var/tmp.
            await pipeline(
              createReadStream(part.localPath),
              copy.meter,
              sftp.createWriteStream(remotePath, { flags: 'wx', mode: 0o600 }),
            );
          } finally {
            copy.stop();
          }
        }),
      remove: (remotePath) =>
        conn.withSftp(
          { timeout: options.timeout, label: 'remove upload' },
          (sftp) =>
            new Promise<void>((resolve, reject) =>
              sftp.unlink(remotePath, (err) =>
                // Code 2 is SSH_FX_NO_SUCH_FILE: pvesh's upload task already moved it away.
                !err || (err as Error & { code?: number }).code === 2 ? resolve() : reject(err),
              ),
            ),
        ),
    };
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    return this.#inflight.track(runShellRequest(this.#ctx, req));
  }

  /** Lets running calls finish, then ends the connection. */
  async close(): Promise<void> {
    await this.#inflight.drain();
    await this.connection.close();
  }
}
