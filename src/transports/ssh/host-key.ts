/**
 * Host key checking for the ssh backend, as OpenSSH does it: known_hosts (plain, hashed
 * `|1|salt|hash`, `[host]:port`, wildcards, negation, `@revoked`) or one pinned key.
 * An unknown or changed key is refused unless the caller opted out.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';

export interface KnownHost {
  /** Host patterns (plain) or one `|1|salt|hash` entry. */
  patterns: string;
  keyType: string;
  key: Buffer;
  marker: '@revoked' | '@cert-authority' | undefined;
  line: number;
}

/** `SHA256:<base64 without padding>`, the form `ssh-keygen -l` and ssh's prompts print. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an ssh public key blob (its first string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

/** The name known_hosts files use: `host` on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHost[] {
  const out: KnownHost[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHost['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority')
      marker = fields.shift() as KnownHost['marker'];
    const [patterns, keyType, blob] = fields;
    if (!patterns || !keyType || !blob) return;
    out.push({ patterns, keyType, key: Buffer.from(blob, 'base64'), marker, line: index + 1 });
  });
  return out;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether an entry's host field names `name` (`host` or `[host]:port`). */
export function entryMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export type HostKeyVerdict =
  | { ok: true }
  | { ok: false; reason: 'unknown' | 'changed' | 'revoked' | 'pinned-mismatch'; message: string };

export interface HostKeyPolicy {
  host: string;
  port: number;
  /** `SHA256:...` or a public key line (`ssh-ed25519 AAAA...`): only this key is accepted. */
  hostKey?: string | undefined;
  knownHostsFile?: string | undefined;
}

export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

function readKnownHosts(file: string): KnownHost[] {
  try {
    return parseKnownHosts(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Entries for this host (not revocations or CAs): used to prefer their key types. */
export function knownKeyTypes(policy: HostKeyPolicy): string[] {
  if (policy.hostKey) {
    const type = /^(\S+)\s+\S+/.exec(policy.hostKey)?.[1];
    return type && !policy.hostKey.startsWith('SHA256:') ? [type] : [];
  }
  const name = knownHostsName(policy.host, policy.port);
  const file = policy.knownHostsFile ?? defaultKnownHostsFile();
  return readKnownHosts(file)
    .filter((e) => e.marker === undefined && entryMatches(e.patterns, name))
    .map((e) => e.keyType);
}

function checkPinned(pin: string, key: Buffer, name: string): HostKeyVerdict {
  const got = fingerprint(key);
  let expected: string;
  if (pin.startsWith('SHA256:')) expected = pin.replace(/=+$/, '');
  else {
    const blob = /^\S+\s+(\S+)/.exec(pin.trim())?.[1];
    if (!blob) throw new InvalidArgumentError('option hostKey: expected SHA256:... or a public key line');
    expected = fingerprint(Buffer.from(blob, 'base64'));
  }
  if (got === expected) return { ok: true };
  return {
    ok: false,
    reason: 'pinned-mismatch',
    message: `host key of ${name} is ${got} (${keyTypeOf(key)}), not the expected ${expected}; refusing to connect`,
  };
}

/** Checks the key the server presented; the verdict's message names its fingerprint. */
export function checkHostKey(policy: HostKeyPolicy, key: Buffer): HostKeyVerdict {
  const name = knownHostsName(policy.host, policy.port);
  if (policy.hostKey) return checkPinned(policy.hostKey, key, name);
  const file = policy.knownHostsFile ?? defaultKnownHostsFile();
  const got = fingerprint(key);
  const type = keyTypeOf(key);
  const entries = readKnownHosts(file).filter((e) => entryMatches(e.patterns, name));
  if (entries.some((e) => e.marker === '@revoked' && e.key.equals(key))) {
    return {
      ok: false,
      reason: 'revoked',
      message: `host key ${got} of ${name} is marked @revoked in ${file}`,
    };
  }
  const plain = entries.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(key))) return { ok: true };
  const sameType = plain.find((e) => e.keyType === type);
  if (sameType) {
    return {
      ok: false,
      reason: 'changed',
      message:
        `HOST KEY CHANGED for ${name}: the server sent ${got} (${type}), but ${file} line ${sameType.line} ` +
        `has ${fingerprint(sameType.key)}. Someone may be intercepting the connection; refusing to connect`,
    };
  }
  return {
    ok: false,
    reason: 'unknown',
    message:
      `host key of ${name} is not known: ${got} (${type}) is not in ${file}. ` +
      'Check it, then add it (ssh-keyscan) or pass hostKey; strictHostKeyChecking: false skips the check',
  };
}

const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms with the types we already know for this host first, so that a server
 * with several keys presents the one we can check (as OpenSSH orders them).
 */
export function preferredHostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const first = knownTypes.flatMap((t) =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t],
  );
  const ordered = [...first.filter((a) => HOST_KEY_ALGORITHMS.includes(a)), ...HOST_KEY_ALGORITHMS];
  return [...new Set(ordered)];
}
