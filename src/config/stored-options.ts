/**
 * Options as they are stored outside code: in credentials files, Kubernetes secret
 * directories, profiles and environment variables. Keys may be camelCase or the snake_case
 * of Python users' files (`token_name`); values may be text (`"8006"`, `"false"`) where the
 * store has no types. Secrets may be replaced by a command that prints them
 * (`passwordCommand`, `tokenValueCommand`, `totpSecretCommand`).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { maskUrlCredentials } from '../core/redact.js';
import {
  isSecretOptionKey,
  OPTION_KEYS,
  type ProxmoxOptions,
  SNAKE_CASE_OPTIONS,
} from '../options/options.js';

/** Keys that name a command printing a secret, and the option it fills. */
export const SECRET_COMMANDS = {
  passwordCommand: 'password',
  tokenValueCommand: 'tokenValue',
  totpSecretCommand: 'totpSecret',
} as const satisfies Record<string, keyof ProxmoxOptions>;
export type SecretCommandKey = keyof typeof SECRET_COMMANDS;

/** Options plus the commands that stand in for secrets. */
export type StoredOptions = ProxmoxOptions & { [K in SecretCommandKey]?: string };

const NUMBER_KEYS = new Set([
  'port',
  'timeout',
  'maxResponseBytes',
  'connectTimeout',
  'retries',
  'maxChannels',
  'guests',
]);
const BOOLEAN_KEYS = new Set([
  'verifySsl',
  'validate',
  'allowInsecureHttp',
  'forwardSshAgent',
  'sudo',
  'strictHostKeyChecking',
]);
/** Options a file cannot hold: functions and live objects. */
const NOT_STORABLE = new Set(['onTfa', 'engine']);

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** `token_name` -> `tokenName`, also for keys not in the twin table (`password_command`). */
export function canonicalKey(key: string): string | undefined {
  // Own keys only: `constructor`, `toString` and `__proto__` are in every object, and are no options.
  const known = (k: string) => Object.hasOwn(OPTION_KEYS, k) || Object.hasOwn(SECRET_COMMANDS, k);
  if (known(key)) return key;
  if (Object.hasOwn(SNAKE_CASE_OPTIONS, key)) return SNAKE_CASE_OPTIONS[key];
  const camel = key.replace(/[_-]([a-z])/g, (_m, c: string) => c.toUpperCase());
  return known(camel) ? camel : undefined;
}

/** Parses a boolean as environments and secret files write it. */
export function parseBoolean(text: string, where: string): boolean {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  // The value is not quoted: a secret written on the wrong line would be shown.
  throw new InvalidArgumentError(`${where}: expected true or false (or 1/0, yes/no)`);
}

function coerce(key: string, value: unknown, where: string): unknown {
  if (typeof value !== 'string') return value;
  if (NUMBER_KEYS.has(key)) {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${where}: expected a number`);
    }
    return n;
  }
  if (BOOLEAN_KEYS.has(key)) return parseBoolean(value, where);
  // A host list in one string: `pve1.example.com,pve2.example.com`.
  if (key === 'host' && value.includes(',')) {
    return value
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
  }
  return value;
}

/**
 * Turns a stored record into options. `where(key)` names the origin of a value in
 * messages (a file path, an environment variable); values never appear in messages.
 */
export function normalizeStored(
  record: Record<string, unknown>,
  where: (key: string) => string,
): StoredOptions {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InvalidArgumentError(`${where('')}: expected a mapping of option names to values`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || value === null) continue;
    const name = canonicalKey(key);
    if (name === undefined) throw new InvalidArgumentError(`${where(key)}: unknown option '${key}'`);
    if (NOT_STORABLE.has(name)) {
      throw new InvalidArgumentError(`${where(key)}: option ${name} can only be given in code`);
    }
    if (name in out) throw new InvalidArgumentError(`${where(key)}: option ${name} is given twice`);
    out[name] = coerce(name, value, where(key));
  }
  return out as StoredOptions;
}

/** Keys that together say how to log in; a layer that sets one replaces the lower layer's set. */
const CREDENTIAL_GROUPS: ReadonlyArray<readonly string[]> = [
  ['password', 'passwordCommand', 'tokenName', 'tokenValue', 'tokenValueCommand'],
  ['otp', 'totpSecret', 'totpSecretCommand'],
];

/**
 * Puts `upper` over `lower`. Credentials layer as a whole: a password from the environment
 * replaces a profile's token (and its tokenValueCommand is then never run), so two half
 * credentials never mix.
 */
export function layerOptions(lower: StoredOptions, upper: StoredOptions): StoredOptions {
  const out: Record<string, unknown> = { ...lower };
  for (const group of CREDENTIAL_GROUPS) {
    const upperSets = group.some((k) => (upper as Record<string, unknown>)[k] !== undefined);
    if (!upperSets) continue;
    const tokenOnlyName = group[0] === 'password' && onlyTokenName(upper);
    for (const k of group) {
      // `PROXMOX_TOKEN_NAME` alone keeps the lower layer's token secret: it renames, not replaces.
      if (tokenOnlyName && (k === 'tokenValue' || k === 'tokenValueCommand')) continue;
      delete out[k];
    }
  }
  for (const [k, v] of Object.entries(upper)) if (v !== undefined) out[k] = v;
  return out as StoredOptions;
}

function onlyTokenName(o: StoredOptions): boolean {
  return (
    o.tokenName !== undefined &&
    o.tokenValue === undefined &&
    o.tokenValueCommand === undefined &&
    o.password === undefined &&
    o.passwordCommand === undefined
  );
}

/**
 * A copy fit to show (`proxmox config show`): secrets and the commands that print them
 * replaced by a fixed mask that says nothing of their length (a command may itself hold the
 * secret: people do write `echo hunter2`), a proxy URL's credentials masked.
 */
export function maskStoredSecrets(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const name = canonicalKey(key) ?? key;
    if (isSecretOptionKey(name) || Object.hasOwn(SECRET_COMMANDS, name)) out[key] = '********';
    else if (name === 'proxy' && typeof value === 'string') out[key] = maskUrlCredentials(value);
    else out[key] = value;
  }
  return out;
}
