/**
 * Named connection profiles in `$XDG_CONFIG_HOME/proxmox/config.yaml` (default
 * `~/.config/proxmox/config.yaml`; a `config.json` there is read when there is no YAML):
 *
 * ```yaml
 * default: lab
 * profiles:
 *   lab:
 *     host: pve.lab.example
 *     user: automation@pve
 *     tokenName: ci
 *     tokenValueCommand: pass show proxmox/lab   # run through sh -c; stdout is the secret
 * ```
 *
 * Writes keep every other profile (and the file's comments and layout), take a lock file against
 * concurrent writers, and replace the file atomically: a new file (mode 0600, created
 * exclusively) in the same directory, fsynced, renamed over the old one. A config that is
 * a symbolic link is refused rather than followed or replaced. The directory is created 0700.
 */

import { randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { InvalidArgumentError } from '../core/errors.js';
import { readRegularFileSync, unreadableReason } from '../core/regular-file.js';
import type { ProxmoxOptions } from '../options/options.js';
import { assertPrivate, parseSecretText } from './credentials-file.js';
import { normalizeStored, type StoredOptions } from './stored-options.js';
import { setIn } from './yaml-edit.js';
import { parseYaml } from './yaml-parse.js';
import { writeYaml } from './yaml-write.js';

export interface ProfileStoreOptions {
  /** The config file to use instead of the default location. */
  path?: string;
  /** Environment to read `XDG_CONFIG_HOME`/`HOME` from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface ProfileSummary {
  name: string;
  /** Whether it is the configured default. */
  isDefault: boolean;
  host?: string | readonly string[];
  user?: string;
  service?: string;
  backend?: string;
}

export interface ProfileConfig {
  default?: string;
  profiles: Record<string, StoredOptions>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LOCK_WAIT = 5_000;
const LOCK_STALE = 30_000;

function checkName(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidArgumentError(`profile name '${String(name)}': use letters, digits, '.', '_' or '-'`);
  }
  return name;
}

/** Where profiles live: the YAML file, or `config.json` when only that exists. */
export function configPath(options: ProfileStoreOptions = {}): string {
  if (options.path !== undefined) return options.path;
  const env = options.env ?? process.env;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const yaml = join(base, 'proxmox', 'config.yaml');
  const json = join(base, 'proxmox', 'config.json');
  const exists = (p: string) => {
    try {
      lstatSync(p);
      return true;
    } catch {
      return false;
    }
  };
  return !exists(yaml) && exists(json) ? json : yaml;
}

/** Reads the config file (blocking: it is small); an absent file is an empty config. */
export function readProfileConfig(
  options: ProfileStoreOptions = {},
): ProfileConfig & { path: string; exists: boolean } {
  const path = configPath(options);
  let bytes: Buffer;
  try {
    ({ bytes } = readRegularFileSync(path, `profiles ${path}`, (info) => assertPrivate(path, info)));
  } catch (error) {
    if (unreadableReason(error) === 'ENOENT') return { path, exists: false, profiles: {} };
    throw error;
  }
  const raw = parseSecretText(bytes.toString('utf8'), path);
  const { default: def, profiles, ...other } = raw;
  const extra = Object.keys(other);
  if (extra.length > 0) {
    throw new InvalidArgumentError(
      `${path}: unknown top-level key '${extra[0]}' (expected default, profiles)`,
    );
  }
  if (def !== undefined && typeof def !== 'string')
    throw new InvalidArgumentError(`${path}: default must be a profile name`);
  if (
    profiles !== undefined &&
    (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles))
  ) {
    throw new InvalidArgumentError(`${path}: profiles must be a mapping of names to options`);
  }
  const out: Record<string, StoredOptions> = {};
  for (const [name, value] of Object.entries((profiles ?? {}) as Record<string, unknown>)) {
    out[name] = normalizeStored((value ?? {}) as Record<string, unknown>, (key) =>
      key === '' ? `${path}: profile ${name}` : `${path}: profile ${name}, ${key}`,
    );
  }
  return { path, exists: true, profiles: out, ...(def === undefined ? {} : { default: def }) };
}

export async function listProfiles(options: ProfileStoreOptions = {}): Promise<ProfileSummary[]> {
  const config = readProfileConfig(options);
  return Object.entries(config.profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, p]) => ({
      name,
      isDefault: name === (config.default ?? 'default'),
      ...(p.host === undefined ? {} : { host: p.host }),
      ...(p.user === undefined ? {} : { user: p.user }),
      ...(p.service === undefined ? {} : { service: String(p.service) }),
      ...(p.backend === undefined ? {} : { backend: p.backend }),
    }));
}

/** The stored profile, secrets included as stored (never print it whole). */
export async function getProfile(
  name: string,
  options: ProfileStoreOptions = {},
): Promise<StoredOptions | undefined> {
  return readProfileConfig(options).profiles[checkName(name)];
}

/** Creates or replaces one profile; every other profile stays as it was. */
export async function saveProfile(
  name: string,
  profile: StoredOptions | ProxmoxOptions,
  options: ProfileStoreOptions = {},
): Promise<void> {
  checkName(name);
  const clean = normalizeStored(
    profile as Record<string, unknown>,
    (key) => `profile ${name}${key ? `, ${key}` : ''}`,
  );
  await edit(options, () => [[['profiles', name], clean]]);
}

/** Removes a profile; answers whether it existed. Clears `default` if it named it. */
export async function removeProfile(name: string, options: ProfileStoreOptions = {}): Promise<boolean> {
  checkName(name);
  let existed = false;
  await edit(options, (data) => {
    existed = Object.hasOwn(profilesOf(data), name);
    return [
      [['profiles', name], undefined],
      ...(data.default === name ? [[['default'], undefined] as Change] : []),
    ];
  });
  return existed;
}

export async function setDefaultProfile(name: string, options: ProfileStoreOptions = {}): Promise<void> {
  checkName(name);
  await edit(options, (data) => {
    if (!Object.hasOwn(profilesOf(data), name)) throw new InvalidArgumentError(`no profile named '${name}'`);
    return [[['default'], name]];
  });
}

/** A key path and its new value (undefined: remove it). */
type Change = [path: readonly [string] | readonly [string, string], value: unknown];

const profilesOf = (data: Record<string, unknown>) => (data.profiles ?? {}) as Record<string, unknown>;

/** The data with one change made (a copy; `data` stays as it was). */
function applied(data: Record<string, unknown>, [[first, second], value]: Change): Record<string, unknown> {
  const out = { ...data };
  if (second === undefined) {
    if (value === undefined) delete out[first];
    else out[first] = value;
    return out;
  }
  const inner = { ...((out[first] ?? {}) as Record<string, unknown>) };
  if (value === undefined) delete inner[second];
  else inner[second] = value;
  out[first] = inner;
  return out;
}

/**
 * Read, change, write back, under the lock. YAML is edited by lines (yaml-edit.ts), so
 * that comments and key order survive; when that cannot be done, or would not read back
 * as the changed data, the whole document is written from the data instead.
 */
async function edit(
  options: ProfileStoreOptions,
  change: (data: Record<string, unknown>) => Change[],
): Promise<void> {
  const path = configPath(options);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await withLock(`${path}.lock`, async () => {
    const current = readProfileConfig({ path });
    const text = current.exists ? readRegularFileSync(path, `profiles ${path}`).bytes.toString('utf8') : '';
    let data = current.exists ? parseSecretText(text, path) : {};
    let out: string | undefined = text;
    for (const step of change(data)) {
      data = applied(data, step);
      out = out === undefined ? undefined : setIn(out, step[0], step[1], data);
    }
    if (path.endsWith('.json')) {
      out = `${JSON.stringify(data, null, 2)}\n`;
    } else if (out === undefined || !readsAs(out, data)) {
      out = writeYaml(data);
    }
    await writeAtomic(path, out);
  });
}

function readsAs(text: string, data: Record<string, unknown>): boolean {
  try {
    return isDeepStrictEqual(parseYaml(text) ?? {}, data);
  } catch {
    return false;
  }
}

/** Replaces `path` with `text`: temp file (0600, exclusive) in the same dir, fsync, rename. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    throw new InvalidArgumentError(
      `${path} is a symbolic link; refusing to replace it (edit its target instead)`,
    );
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' = O_CREAT|O_EXCL: fails on any existing entry, including a planted symlink.
  const fh = await open(temp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (error) {
    await fh.close();
    await rm(temp, { force: true });
    throw error;
  }
  await fh.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const fh = await open(lock, 'wx', 0o600);
      await fh.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await lstat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      // A writer that died leaves its lock behind; one older than any real write is stale.
      if (age > LOCK_STALE) await rm(lock, { force: true });
      else if (Date.now() - started > LOCK_WAIT) {
        throw new InvalidArgumentError(
          `${lock} is held by another writer; remove it if no proxmox command is running`,
        );
      } else await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}
