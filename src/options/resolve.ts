import { constants as bufferConstants } from 'node:buffer';
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { InvalidArgumentError } from '../core/errors.js';
import { readRegularFileSync, unreadableReason } from '../core/regular-file.js';
import { findService, SERVICES, type ServiceInfo } from '../core/services.js';
import type { BackendName } from '../core/types.js';
import { OPTION_KEYS, type ProxmoxOptions, SNAKE_CASE_OPTIONS } from './options.js';

export interface ResolvedHost {
  /** Host name or address, without brackets. */
  hostname: string;
  port: number;
  protocol: 'https' | 'http';
}

/** Options checked once and filled with defaults; frozen. */
export interface ResolvedOptions
  extends Readonly<Omit<ProxmoxOptions, 'host' | 'port' | 'service' | 'backend'>> {
  readonly hosts: readonly ResolvedHost[];
  readonly service: ServiceInfo;
  readonly backend: BackendName;
  readonly auth: 'token' | 'ticket' | 'none';
  /** `user@realm` for HTTPS auth; the login name for ssh backends. */
  readonly userid: string | undefined;
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly connectTimeout: number;
  readonly retries: number;
  readonly deadline: number;
  /** HTTPS keep-alive connections per host. */
  readonly connections: number;
  readonly verifySsl: boolean;
  readonly pathPrefix: string;
  readonly bodyEncoding: 'form' | 'json';
  /** Shell backends: calls in flight at once (one ssh channel or child process each). */
  readonly maxChannels: number;
  readonly strictHostKeyChecking: boolean;
}

/** 64 MiB: /cluster/resources for 100,000 guests is ~27 MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** A UTF-8 body of N bytes decodes to at most N UTF-16 units: beyond V8's longest string, no answer can be read. */
const MAX_RESPONSE_BYTES = bufferConstants.MAX_STRING_LENGTH;

type Check = [key: keyof ProxmoxOptions, valid: (v: unknown) => boolean, expected: string];

const isString = (v: unknown) => typeof v === 'string';
const isNonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
/**
 * Text that travels in a header (the token header holds user, token id and secret): CR or
 * LF there would fail every call (or split the header), so it is refused at construction.
 */
const isHeaderText = (v: unknown) => isNonEmptyString(v) && !/[\x00-\x1f\x7f]/.test(v as string);
/**
 * A token's id and secret go only in that header, and the servers make them of ASCII (a
 * UUID secret): anything else could never authenticate, and undici would refuse the header
 * at every call as a connection failure, so it is refused here.
 */
const isTokenText = (v: unknown) => isNonEmptyString(v) && /^[\x20-\x7e]+$/.test(v as string);
/** Parsed here so that a malformed URL is named without quoting it (it may hold a password). */
const isProxyUrl = (v: unknown) => {
  if (!isNonEmptyString(v)) return false;
  try {
    return ['http:', 'https:'].includes(new URL(v as string).protocol);
  } catch {
    return false;
  }
};
const isBool = (v: unknown) => typeof v === 'boolean';
const isPem = (v: unknown) => typeof v === 'string' || Buffer.isBuffer(v);
const isMs = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isFunctionList = (v: unknown) =>
  v === undefined || (Array.isArray(v) && v.every((f) => typeof f === 'function'));
const isHooks = (v: unknown) =>
  typeof v === 'object' &&
  v !== null &&
  Object.keys(v).every((k) => k === 'beforeRequest' || k === 'afterResponse') &&
  isFunctionList((v as Record<string, unknown>).beforeRequest) &&
  isFunctionList((v as Record<string, unknown>).afterResponse);
const oneOf =
  (...values: unknown[]) =>
  (v: unknown) =>
    values.includes(v);

const CHECKS: readonly Check[] = [
  [
    'host',
    (v) => isNonEmptyString(v) || (Array.isArray(v) && v.length > 0 && v.every(isNonEmptyString)),
    'a host name or a non-empty list of them',
  ],
  [
    'port',
    (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536,
    'an integer from 1 to 65535',
  ],
  [
    'service',
    (v) => typeof v === 'string' && findService(v) !== undefined,
    "one of 'PVE', 'PBS', 'PMG', 'PDM'",
  ],
  [
    'backend',
    oneOf('https', 'ssh', 'ssh_paramiko', 'openssh', 'local', 'mock'),
    "one of 'https', 'ssh', 'openssh', 'local', 'mock'",
  ],
  ['user', isHeaderText, 'a non-empty string such as root@pam, without control characters'],
  ['password', isString, 'a string'],
  ['realm', isNonEmptyString, 'a realm name such as pam or pve'],
  ['tokenName', isTokenText, 'the token id, a non-empty string of printable ASCII'],
  ['tokenValue', isTokenText, 'the token secret, a non-empty string of printable ASCII'],
  ['otp', isNonEmptyString, 'a one-time code'],
  ['otpType', oneOf('totp', 'recovery'), "'totp' or 'recovery'"],
  [
    'totpSecret',
    (v) => typeof v === 'string' && /^[A-Z2-7]+=*$/i.test(v.replace(/\s/g, '')),
    'a base32 TOTP secret',
  ],
  ['onTfa', (v) => typeof v === 'function', 'a function'],
  ['verifySsl', isBool, 'true or false'],
  [
    'ca',
    (v) => isPem(v) || (Array.isArray(v) && v.every(isPem)),
    'PEM text, a Buffer, a file path, or a list of them',
  ],
  [
    'fingerprint',
    (v) => typeof v === 'string' && /^([0-9a-f]{2}:?){32}$/i.test(v.trim()),
    'a SHA-256 fingerprint, 32 hex bytes separated by colons',
  ],
  ['cert', isPem, 'PEM text, a Buffer or a file path'],
  ['key', isPem, 'PEM text, a Buffer or a file path'],
  ['timeout', isMs, 'a positive number of milliseconds'],
  [
    'maxResponseBytes',
    (v) => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= MAX_RESPONSE_BYTES,
    `a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES}`,
  ],
  ['connectTimeout', isMs, 'a positive number of milliseconds'],
  ['retries', isCount, 'a whole number >= 0'],
  ['deadline', isMs, 'a positive number of milliseconds'],
  ['connections', (v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer'],
  ['hooks', isHooks, 'an object with beforeRequest and afterResponse lists of functions'],
  ['debug', (v) => typeof v === 'boolean' || typeof v === 'function', 'true, false or a function'],
  [
    'pathPrefix',
    (v) => typeof v === 'string' && (v === '' || /^\/[^?#]*[^/]$/.test(v)),
    "'' or a path such as /proxmox (no trailing slash)",
  ],
  ['proxy', (v) => v === false || isProxyUrl(v), 'an http:// or https:// proxy URL, or false'],
  ['bodyEncoding', oneOf('form', 'json'), "'form' or 'json'"],
  ['validate', isBool, 'true or false'],
  ['allowInsecureHttp', isBool, 'true or false'],
  ['privateKeyFile', isNonEmptyString, 'a file path'],
  ['identityFile', isNonEmptyString, 'a file path'],
  ['passphrase', isString, 'a string'],
  ['forwardSshAgent', isBool, 'true or false'],
  ['agent', isNonEmptyString, 'an ssh agent socket path'],
  ['configFile', isNonEmptyString, 'a file path'],
  ['sudo', isBool, 'true or false'],
  ['hostKey', isNonEmptyString, 'a host key fingerprint such as SHA256:...'],
  ['knownHostsFile', isNonEmptyString, 'a file path'],
  ['strictHostKeyChecking', isBool, 'true or false'],
  ['maxChannels', (v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer'],
  ['dataset', oneOf('demo', 'empty'), "'demo' or 'empty'"],
  ['guests', isCount, 'a whole number >= 0'],
  ['engine', (v) => typeof v === 'object' && v !== null, 'a SimulatorEngine'],
];

/**
 * How a host appears in messages: trimmed, control characters shown as `?`, cut short.
 * Only ever called on text without an '@' (which is refused first, unquoted).
 */
function shown(host: string): string {
  const clean = host.trim().replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}...` : clean;
}

/** Splits `host`, `host:port`, `::1`, `[::1]:8006`, `https://host:port` into parts. */
export function parseHost(raw: string, defaultPort: number): ResolvedHost {
  // `user:password@host` in any form (a password may hold '/', ':' or spaces, the text may
  // start with blanks): a host name never has an '@', so none of this text is quoted.
  if (raw.includes('@')) {
    throw new InvalidArgumentError(
      "option host: carries credentials (it contains '@'); give user and password as options",
    );
  }
  const text = shown(raw);
  let rest = raw.trim();
  let protocol: 'https' | 'http' = 'https';
  const scheme = /^([a-z]+):\/\//i.exec(rest);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'https' && name !== 'http') {
      throw new InvalidArgumentError(`option host: unsupported scheme '${name}', expected https`);
    }
    protocol = name;
    rest = rest.slice(scheme[0].length).replace(/\/+$/, '');
    if (rest.includes('/'))
      throw new InvalidArgumentError('option host: put a path prefix in pathPrefix, not in host');
  }
  let hostname = rest;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    hostname = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    const [name, portText] = rest.split(':') as [string, string];
    if (!/^\d+$/.test(portText)) throw new InvalidArgumentError(`option host: '${text}' has an invalid port`);
    hostname = name;
    port = Number(portText);
  }
  if (hostname === '' || /[\s/?#@\x00-\x1f\x7f]/.test(hostname)) {
    throw new InvalidArgumentError(`option host: '${text}' is not a host name or address`);
  }
  if (!(port > 0 && port < 65536))
    throw new InvalidArgumentError(`option host: port ${port} is out of range`);
  return { hostname, port, protocol };
}

function qualifyUser(
  user: string | undefined,
  realm: string | undefined,
  service: ServiceInfo,
): string | undefined {
  if (user === undefined) return undefined;
  if (user.includes('@')) return user;
  if (realm !== undefined) return `${user}@${realm}`;
  // PMG: a user without realm is a quarantine user (PROTOCOL.md); elsewhere pam is what users mean.
  return service.name === 'PMG' ? `${user}@quarantine` : `${user}@pam`;
}

/** Checks every option once and returns the frozen, defaulted configuration. */
/**
 * Two minutes, or every attempt's full timeout when that is more: room for the default
 * retries of a slow call, far below "hangs forever".
 */
export function defaultDeadline(timeout: number, retries: number): number {
  return Math.max(120_000, (retries + 1) * timeout);
}

export function resolveOptions(options: ProxmoxOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options: expected an object');
  }
  for (const key of Object.keys(options)) {
    // Own keys only: `toString`, `constructor` and `__proto__` are no options.
    if (Object.hasOwn(OPTION_KEYS, key)) continue;
    const twin = Object.hasOwn(SNAKE_CASE_OPTIONS, key) ? SNAKE_CASE_OPTIONS[key] : undefined;
    throw new InvalidArgumentError(
      twin ? `unknown option '${key}': did you mean '${twin}'?` : `unknown option '${key}'`,
    );
  }
  for (const [key, valid, expected] of CHECKS) {
    const value = options[key];
    if (value !== undefined && !valid(value))
      throw new InvalidArgumentError(`option ${key}: expected ${expected}`);
  }
  const service = SERVICES[findService(options.service ?? 'PVE')!];
  const backend: BackendName = options.backend === 'ssh_paramiko' ? 'ssh' : (options.backend ?? 'https');
  // The shell backends reach the host over ssh: their default port is ssh's, not the API's.
  const port = options.port ?? (backend === 'ssh' || backend === 'openssh' ? 22 : service.defaultPort);
  const hostList =
    options.host === undefined ? [] : typeof options.host === 'string' ? [options.host] : options.host;
  const needsHost = backend === 'https' || backend === 'ssh' || backend === 'openssh';
  if (needsHost && hostList.length === 0)
    throw new InvalidArgumentError(`option host: required for the ${backend} backend`);
  const hosts = hostList.map((h) => parseHost(h, port));
  if (hosts.some((h) => h.protocol === 'http') && !options.allowInsecureHttp) {
    throw new InvalidArgumentError(
      'option host: http:// sends credentials in clear text; set allowInsecureHttp: true to allow it',
    );
  }

  const hasToken = options.tokenName !== undefined || options.tokenValue !== undefined;
  let auth: ResolvedOptions['auth'] = 'none';
  if (backend === 'https' || backend === 'mock') {
    if (hasToken) {
      if (options.tokenName === undefined || options.tokenValue === undefined) {
        throw new InvalidArgumentError(
          'options tokenName and tokenValue: give both for API token authentication',
        );
      }
      if (service.tokenScheme === null) {
        throw new InvalidArgumentError(
          `${service.name} does not accept API tokens; log in with user and password`,
        );
      }
      if (options.password !== undefined) {
        throw new InvalidArgumentError('options password and tokenValue: give one way to log in, not both');
      }
      // The user travels in the token header beside the token id, where only ASCII can go
      // (undici would refuse the header at every call, as a connection failure).
      if (typeof options.user === 'string' && !/^[\x20-\x7e]+$/.test(options.user)) {
        throw new InvalidArgumentError(
          "option user: an API token's user travels in the Authorization header and must be printable ASCII; log in with user and password instead",
        );
      }
      auth = 'token';
    } else if (options.password !== undefined) {
      auth = 'ticket';
    } else if (backend === 'https') {
      throw new InvalidArgumentError('options: give user and password, or user, tokenName and tokenValue');
    }
    if (auth !== 'none' && options.user === undefined)
      throw new InvalidArgumentError('option user: required to log in');
  }
  if (options.otp !== undefined && options.totpSecret !== undefined) {
    throw new InvalidArgumentError('options otp and totpSecret: give one source of codes, not both');
  }
  const userid =
    backend === 'https' || backend === 'mock'
      ? qualifyUser(options.user, options.realm, service)
      : options.user;
  if (userid !== undefined && auth === 'token' && /[!=:\s]/.test(userid)) {
    throw new InvalidArgumentError('option user: a user id with a token must not contain !, =, : or spaces');
  }

  const { host: _h, port: _p, service: _s, backend: _b, ...rest } = options;
  return Object.freeze({
    ...rest,
    ...(backend === 'https' ? clientCertificate(options) : {}),
    ...(backend === 'https' && options.ca !== undefined ? { ca: trustedCa(options.ca) } : {}),
    hosts: Object.freeze(hosts),
    service,
    backend,
    auth,
    userid,
    timeout: options.timeout ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    connectTimeout: options.connectTimeout ?? 10_000,
    retries: options.retries ?? 3,
    deadline: options.deadline ?? defaultDeadline(options.timeout ?? 30_000, options.retries ?? 3),
    // See the option's notes: pveproxy's 3 workers, a few connections each.
    connections: options.connections ?? 8,
    verifySsl: options.verifySsl ?? true,
    pathPrefix: options.pathPrefix ?? '',
    bodyEncoding: options.bodyEncoding ?? 'form',
    // The shell backends' defaults, filled here once rather than in each transport.
    maxChannels: options.maxChannels ?? 8,
    strictHostKeyChecking: options.strictHostKeyChecking ?? true,
    // identityFile (ssh's word) and privateKeyFile (paramiko's) are one option.
    ...(options.privateKeyFile !== undefined || options.identityFile !== undefined
      ? { privateKeyFile: (options.privateKeyFile ?? options.identityFile)! }
      : {}),
  });
}

/** PEM as given, or the contents of the file it names. Values are never echoed: this may be a key. */
function pemOrFile(name: 'ca' | 'cert' | 'key', value: string | Buffer): string | Buffer {
  if (Buffer.isBuffer(value) || value.includes('-----BEGIN ')) return value;
  try {
    // Regular files only: a FIFO would block construction forever.
    return readRegularFileSync(value, `option ${name}`).bytes;
  } catch (error) {
    throw new InvalidArgumentError(
      `option ${name}: neither PEM text nor a readable file (${unreadableReason(error)})`,
    );
  }
}

/**
 * The TLS client certificate: `cert` and `key` read (from files when they are paths) and
 * checked to be a pair now, so that a mistake is named here rather than as a handshake
 * failure on the first call.
 */
function clientCertificate(o: ProxmoxOptions): { cert?: string | Buffer; key?: string | Buffer } {
  if (o.cert === undefined && o.key === undefined) return {};
  const cert = o.cert === undefined ? undefined : pemOrFile('cert', o.cert);
  let key = o.key === undefined ? undefined : pemOrFile('key', o.key);
  // One file may hold both, as curl's --cert and Python's requests accept.
  if (key === undefined && cert !== undefined && cert.toString().includes('PRIVATE KEY-----')) key = cert;
  if (cert === undefined || key === undefined) {
    throw new InvalidArgumentError(
      'options cert and key: give both (or one file holding certificate and key)',
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new InvalidArgumentError('option cert: not a PEM certificate');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(o.passphrase === undefined ? key : { key, passphrase: o.passphrase });
  } catch {
    // `ENCRYPTED PRIVATE KEY` (PKCS#8) or `Proc-Type: 4,ENCRYPTED` (traditional OpenSSL).
    if (o.passphrase === undefined && key.toString().includes('ENCRYPTED')) {
      throw new InvalidArgumentError(
        'option key: the key is encrypted; give its passphrase in option passphrase',
      );
    }
    throw new InvalidArgumentError(
      o.passphrase === undefined
        ? 'option key: not a PEM private key'
        : 'option key: not a PEM private key, or the passphrase does not open it',
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new InvalidArgumentError('options cert and key: the key does not belong to the certificate');
  }
  return { cert, key };
}

/** The CA certificates to trust: PEM, or files holding PEM, each checked to be a certificate. */
function trustedCa(ca: NonNullable<ProxmoxOptions['ca']>): string | Buffer | Array<string | Buffer> {
  const one = (value: string | Buffer): string | Buffer => {
    const pem = pemOrFile('ca', value);
    if (!pem.toString().includes('-----BEGIN CERTIFICATE-----')) {
      throw new InvalidArgumentError('option ca: not a PEM certificate (or a file holding one)');
    }
    return pem;
  };
  return Array.isArray(ca) ? ca.map(one) : one(ca as string | Buffer);
}
