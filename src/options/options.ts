import type { ClientHooks } from '../core/hook-types.js';
import type { ServiceName } from '../core/services.js';
import type { BackendName } from '../core/types.js';

/** What `onTfa` is told when the server asks for a second factor. */
export interface TfaChallenge {
  userid: string;
  /** Whether the user has a TOTP app registered. */
  totp: boolean;
  /** Indices of recovery codes that are still unused, if any. */
  recovery: readonly number[];
  /** Other kinds the server lists (webauthn, yubico, u2f) that this client cannot answer. */
  other: readonly string[];
}

/** An answer to a second-factor challenge: a TOTP code, or `{ recovery: 'xxxx-...' }`. */
export type TfaAnswer = string | { totp: string } | { recovery: string };

/** A service name as users write it: `'PVE'` or `'pve'`. */
export type ServiceInput = ServiceName | Lowercase<ServiceName>;

/** The service a `service` option names. */
export type ServiceOf<I extends ServiceInput> = Uppercase<I> & ServiceName;

/** Options of `new ProxmoxSDK(...)` and `ProxmoxSDK.connect(...)`. Durations are milliseconds. */
export interface ProxmoxOptions<I extends ServiceInput = ServiceInput> {
  /**
   * Server to talk to: `pve.example.com`, `pve.example.com:8006`, `10.0.0.1`, `::1`,
   * `[::1]:8006` or `https://pve.example.com:8006`. A list names nodes of one cluster to fail over between.
   */
  host?: string | readonly string[];
  /** @default 8006 for PVE and PMG, 8007 for PBS, 8443 for PDM */
  port?: number;
  /** Which product; case-insensitive. @default 'PVE' */
  service?: I;
  /** How requests reach the server. `ssh_paramiko` is accepted as another name for `ssh`. @default 'https' */
  backend?: BackendName | 'ssh_paramiko';
  /** `user@realm` (or `user` with `realm`). For ssh backends: the login name. */
  user?: string;
  /** Password (or an OIDC helper's ticket); for ssh backends the ssh password. */
  password?: string;
  /** Realm appended to `user` when it has none. */
  realm?: string;
  /** API token id (the part after `!`). */
  tokenName?: string;
  /** API token secret. */
  tokenValue?: string;
  /** A one-time code for the first login (TOTP code, or a recovery code with `otpType: 'recovery'`). */
  otp?: string;
  /** What `otp` is. @default 'totp' */
  otpType?: 'totp' | 'recovery';
  /** Base32 TOTP secret: codes are generated when the server asks. */
  totpSecret?: string;
  /** Called when the server asks for a second factor; returns the answer. */
  onTfa?: (challenge: TfaChallenge) => TfaAnswer | Promise<TfaAnswer>;
  /** Check the server certificate against the system CAs (or `ca`). @default true */
  verifySsl?: boolean;
  /** Extra trusted CA certificate(s): PEM text, or the path of a PEM file. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** SHA-256 fingerprint of the server certificate (`AA:BB:...`, as Proxmox shows it): pin it. */
  fingerprint?: string;
  /**
   * TLS client certificate, for a server (or the reverse proxy in front of it) that demands
   * mutual TLS: PEM text, a Buffer of PEM, or the path of a PEM file (read at construction).
   * A file holding both certificate and key may be given as `cert` alone.
   * @example { cert: '/etc/proxmox/client.crt', key: '/etc/proxmox/client.key' }
   */
  cert?: string | Buffer;
  /** Private key of `cert`: PEM text, a Buffer of PEM, or a file path; encrypted keys need `passphrase`. */
  key?: string | Buffer;
  /** Milliseconds for one request. @default 30000 */
  timeout?: number;
  /**
   * Largest answer read into memory, in bytes: a bigger one (announced or sent) ends the
   * request with a ResponseTooLargeError. The default holds /cluster/resources of a cluster
   * with 100,000 guests (~27 MB) with room to spare. Downloads (streams) are not limited.
   * @default 67108864 (64 MiB)
   */
  maxResponseBytes?: number;
  /** Milliseconds to establish a connection. @default 10000 */
  connectTimeout?: number;
  /** Retries for safe requests (GETs, logins) on connection errors and 502/503/504. @default 3 */
  retries?: number;
  /**
   * Milliseconds for a whole call: every attempt, backoff and Retry-After wait included
   * (`timeout` bounds one attempt). When it runs out the call fails with DeadlineError; a
   * retry whose wait would not fit is not started. A call's own `timeout` raises that
   * call's deadline to `(retries + 1) * timeout` when that is more.
   * @default 120000, or (retries + 1) * timeout when that is more
   */
  deadline?: number;
  /**
   * HTTPS: keep-alive connections per host. pveproxy runs 3 worker processes (max_workers
   * in pve-manager PVE/Service/pveproxy.pm, MAX_WORKERS in /etc/default/pveproxy); each
   * serves many connections from one event loop, but runs the API handlers it executes
   * itself (the local, synchronous ones) one at a time, so a few connections per worker keep
   * them all busy and more only queue in the server (docs/performance.md, issue 19.3: 64
   * instead of 8 moved a 1,000-guest inventory 1.10x on a model of it). Raise it for calls
   * the node proxies to other nodes, a server with more workers, or a load balancer
   * (3 per node is a fair start). @default 8
   */
  connections?: number;
  /**
   * Functions called before each attempt and after each answer, with redacted records
   * (docs/observability.md). Observe only; a hook that throws fails the call.
   */
  hooks?: ClientHooks;
  /**
   * Debug log of every attempt and answer, secrets masked: `true` writes to stderr, a function
   * receives each line. `PROXMOX_DEBUG=1` turns it on when this is not set. @default false
   */
  debug?: boolean | ((line: string) => void);
  /** Prefix before `/api2/json`, for servers behind a reverse proxy path. @default '' */
  pathPrefix?: string;
  /** HTTP(S) proxy URL; `HTTPS_PROXY`/`NO_PROXY` are read when this is not set. Use `false` to ignore them. */
  proxy?: string | false;
  /** How POST/PUT bodies are sent. @default 'form' */
  bodyEncoding?: 'form' | 'json';
  /** Validate parameters against the schema before sending. @default false */
  validate?: boolean;
  /** Allow `http://` hosts; credentials then travel in clear text. @default false */
  allowInsecureHttp?: boolean;

  // ssh, openssh and local backends
  /** Private key file for the ssh backend. */
  privateKeyFile?: string;
  /** Identity file (openssh's `-i`; also accepted by the ssh backend). */
  identityFile?: string;
  /** Passphrase of the private key: the ssh key, or the TLS client `key` of the https backend. */
  passphrase?: string;
  /** Forward the local ssh agent to the host. */
  forwardSshAgent?: boolean;
  /** ssh agent socket; @default process.env.SSH_AUTH_SOCK */
  agent?: string;
  /** ssh client config file (openssh's `-F`). */
  configFile?: string;
  /** Run the host tool with `sudo -n`. */
  sudo?: boolean;
  /** Expected host key: `SHA256:...` fingerprint as ssh prints it. */
  hostKey?: string;
  /** known_hosts file. @default ~/.ssh/known_hosts */
  knownHostsFile?: string;
  /** Refuse unknown or changed host keys. Turn off only for throwaway hosts. @default true */
  strictHostKeyChecking?: boolean;
  /** Most calls in flight at once on one ssh connection. @default 8 */
  maxChannels?: number;

  // mock backend
  /** Dataset of the in-process simulator. @default 'demo' */
  dataset?: 'demo' | 'empty';
  /** Number of guests the in-process simulator's cluster holds. */
  guests?: number;
  /** An existing simulator engine to share state with other clients. */
  engine?: unknown;
}

/** Every option key, kept exhaustive by the compiler; unknown keys are refused at construction. */
export const OPTION_KEYS: { readonly [K in keyof Required<ProxmoxOptions>]: true } = {
  host: true,
  port: true,
  service: true,
  backend: true,
  user: true,
  password: true,
  realm: true,
  tokenName: true,
  tokenValue: true,
  otp: true,
  otpType: true,
  totpSecret: true,
  onTfa: true,
  verifySsl: true,
  ca: true,
  fingerprint: true,
  cert: true,
  key: true,
  timeout: true,
  maxResponseBytes: true,
  connectTimeout: true,
  retries: true,
  deadline: true,
  connections: true,
  hooks: true,
  debug: true,
  pathPrefix: true,
  proxy: true,
  bodyEncoding: true,
  validate: true,
  allowInsecureHttp: true,
  privateKeyFile: true,
  identityFile: true,
  passphrase: true,
  forwardSshAgent: true,
  agent: true,
  configFile: true,
  sudo: true,
  hostKey: true,
  knownHostsFile: true,
  strictHostKeyChecking: true,
  maxChannels: true,
  dataset: true,
  guests: true,
  engine: true,
};

/**
 * The options whose values are secrets: never shown (`px.options`, `proxmox config show`),
 * never in an error, a log line or a debug dump. The one list; everything that masks or
 * scrubs reads it.
 */
export const SECRET_OPTION_KEYS = [
  'password',
  'tokenValue',
  'otp',
  'totpSecret',
  'passphrase',
  'key',
] as const satisfies readonly (keyof ProxmoxOptions)[];

export type SecretOptionKey = (typeof SECRET_OPTION_KEYS)[number];

const SECRET_SET: ReadonlySet<string> = new Set(SECRET_OPTION_KEYS);

/** Whether an option key (camelCase, or the snake_case of Python users' files) holds a secret. */
export function isSecretOptionKey(key: string): boolean {
  return SECRET_SET.has(Object.hasOwn(SNAKE_CASE_OPTIONS, key) ? SNAKE_CASE_OPTIONS[key]! : key);
}

/** snake_case names that Python users' files have, and their camelCase twins. */
export const SNAKE_CASE_OPTIONS: Readonly<Record<string, keyof ProxmoxOptions>> = {
  token_name: 'tokenName',
  token_value: 'tokenValue',
  verify_ssl: 'verifySsl',
  otptype: 'otpType',
  otp_type: 'otpType',
  totp_secret: 'totpSecret',
  private_key_file: 'privateKeyFile',
  identity_file: 'identityFile',
  forward_ssh_agent: 'forwardSshAgent',
  config_file: 'configFile',
  connect_timeout: 'connectTimeout',
  max_response_bytes: 'maxResponseBytes',
  path_prefix: 'pathPrefix',
  body_encoding: 'bodyEncoding',
  host_key: 'hostKey',
  known_hosts_file: 'knownHostsFile',
  strict_host_key_checking: 'strictHostKeyChecking',
  max_channels: 'maxChannels',
  allow_insecure_http: 'allowInsecureHttp',
};
