/**
 * Credentials files: JSON or YAML (the seed's `~/.proxmox/credentials.json`, camelCase or
 * snake_case keys), or a directory holding one file per key, the way Kubernetes mounts a
 * Secret (file names are keys, a trailing newline is stripped, `..data` and other hidden
 * entries are Kubernetes' own bookkeeping and skipped).
 *
 * Like ssh with private keys, a file that group or others may read is refused, with the
 * `chmod` that fixes it. For a Kubernetes Secret that means `defaultMode: 0400` (or 0600)
 * on the volume; the directory itself may stay world-readable, its files may not.
 * Parse errors give a position, never the text around it: the text is a secret.
 */
import { readdirSync, type Stats, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../core/errors.js';
import { readRegularFile, readRegularFileSync } from '../core/regular-file.js';
import { normalizeStored, type StoredOptions } from './stored-options.js';
import { YamlSyntaxError, YamlUnsupportedError } from './yaml-error.js';
import { parseYaml } from './yaml-parse.js';

/** Refuses a secret file readable, writable or executable by group or others. */
export function assertPrivate(path: string, info: Stats): void {
  if (process.platform === 'win32') return;
  const loose = info.mode & 0o077;
  if (loose === 0) return;
  const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
  throw new InvalidArgumentError(
    `${path} is accessible by ${loose & 0o070 ? (loose & 0o007 ? 'group and others' : 'group') : 'others'} ` +
      `(mode ${mode}) but holds secrets; restrict it the way ssh requires for keys: chmod 600 ${path}`,
  );
}

/** Parses JSON or YAML text of a secrets file without echoing any of it in errors. */
export function parseSecretText(text: string, path: string): Record<string, unknown> {
  const json = path.endsWith('.json') || /^\s*\{/.test(text);
  let value: unknown;
  try {
    value = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError || error instanceof YamlUnsupportedError) throw error.in(path);
    const pos = /position (\d+)/.exec(String((error as Error).message))?.[1];
    const line = pos === undefined ? undefined : text.slice(0, Number(pos)).split('\n').length;
    throw new InvalidArgumentError(`${path}: not valid JSON${line === undefined ? '' : ` (line ${line})`}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(`${path}: expected a mapping of option names to values`);
  }
  return value as Record<string, unknown>;
}

/** Kubernetes' `..data`, `..2024_01_01_...` and dotfiles are not keys. */
const isKeyFile = (name: string) => !name.startsWith('.');

function fromDirEntries(path: string, entries: Array<[string, string]>): StoredOptions {
  const record: Record<string, unknown> = {};
  for (const [name, text] of entries) record[name] = text.replace(/\r?\n$/, '');
  return normalizeStored(record, (key) => (key === '' ? path : join(path, key)));
}

const privateFile = (file: string) => (info: Stats) => assertPrivate(file, info);
const fromText = (path: string, text: string) =>
  normalizeStored(parseSecretText(text, path), (key) => (key === '' ? path : `${path}: ${key}`));

/**
 * Reads a credentials file or secret directory into stored options (commands not yet run).
 * Only regular files are read: a FIFO or a device would block the read forever.
 */
export async function readCredentials(path: string): Promise<StoredOptions> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(`credentials ${path}: cannot read it (${error.code ?? error.message})`);
  });
  if (info.isDirectory()) {
    const entries: Array<[string, string]> = [];
    for (const name of (await readdir(path)).filter(isKeyFile).sort()) {
      const file = join(path, name);
      // Kubernetes' entries are symbolic links to regular files; anything else is no key.
      if (!(await stat(file)).isFile()) continue;
      const { bytes } = await readRegularFile(file, `credentials ${file}`, privateFile(file));
      entries.push([name, bytes.toString('utf8')]);
    }
    return fromDirEntries(path, entries);
  }
  const { bytes } = await readRegularFile(path, `credentials ${path}`, privateFile(path));
  return fromText(path, bytes.toString('utf8'));
}

/** The same, blocking. */
export function readCredentialsSync(path: string): StoredOptions {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new InvalidArgumentError(`credentials ${path}: cannot read it (${e.code ?? e.message})`);
  }
  if (info.isDirectory()) {
    const entries: Array<[string, string]> = [];
    for (const name of readdirSync(path).filter(isKeyFile).sort()) {
      const file = join(path, name);
      if (!statSync(file).isFile()) continue;
      const { bytes } = readRegularFileSync(file, `credentials ${file}`, privateFile(file));
      entries.push([name, bytes.toString('utf8')]);
    }
    return fromDirEntries(path, entries);
  }
  const { bytes } = readRegularFileSync(path, `credentials ${path}`, privateFile(path));
  return fromText(path, bytes.toString('utf8'));
}
