/**
 * Options from outside the code: environment variables, credentials files (and Kubernetes
 * secret directories), and named profiles.
 *
 * Resolution order, the same everywhere, first wins:
 * 1. explicit options (the `overrides` of `fromEnv`/`fromFile`/`fromProfile`, or code),
 * 2. the environment (`PROXMOX_*`),
 * 3. the profile (named by the argument, else `PROXMOX_PROFILE`, else the config's `default`).
 * A credentials file named in code counts as explicit: `fromFile` does not read the environment.
 * Credentials layer as a whole: a password from a higher layer replaces a lower layer's token
 * (see layerOptions), so halves of two logins never mix.
 *
 * The variables and the options they set: env-variables.ts (the one list).
 * An empty variable counts as unset (CI systems set missing secrets to '').
 */

import { InvalidArgumentError } from '../core/errors.js';
import type { ProxmoxOptions } from '../options/options.js';
import { readCredentials } from './credentials-file.js';
import { ENV_VARIABLES } from './env-variables.js';
import { type ProfileStoreOptions, readProfileConfig } from './profiles.js';
import { runSecretCommands, runSecretCommandsSync } from './secret-command.js';
import { layerOptions, normalizeStored, type StoredOptions } from './stored-options.js';

export { ENV_VARIABLES } from './env-variables.js';
export {
  configPath,
  getProfile,
  listProfiles,
  type ProfileStoreOptions,
  type ProfileSummary,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from './profiles.js';
export type { StoredOptions } from './stored-options.js';

const VARIABLE_OF: Record<string, string> = Object.fromEntries(
  Object.entries(ENV_VARIABLES).map(([variable, key]) => [key, variable]),
);

/** What the environment says, without checking that it is enough. */
export function environmentOptions(env: NodeJS.ProcessEnv = process.env): StoredOptions {
  const record: Record<string, string> = {};
  for (const [variable, key] of Object.entries(ENV_VARIABLES)) {
    const value = env[variable];
    if (value !== undefined && value !== '') record[key] = value;
  }
  return normalizeStored(record, (key) => VARIABLE_OF[key] ?? 'environment');
}

function profileName(name: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (name !== undefined) return name;
  return env.PROXMOX_PROFILE ? env.PROXMOX_PROFILE : undefined;
}

/** The stored profile; `required` when the caller named one (an absent default is no error). */
function loadProfile(
  name: string | undefined,
  store: ProfileStoreOptions,
): { name: string | undefined; profile: StoredOptions } {
  const config = readProfileConfig(store);
  const chosen = name ?? config.default ?? 'default';
  const profile = config.profiles[chosen];
  if (profile !== undefined) return { name: chosen, profile };
  if (name === undefined && config.default === undefined) return { name: undefined, profile: {} };
  const known = Object.keys(config.profiles);
  throw new InvalidArgumentError(
    config.exists
      ? `no profile named '${chosen}' in ${config.path}${known.length ? ` (profiles: ${known.join(', ')})` : ''}`
      : `no profile named '${chosen}': ${config.path} does not exist (create it with \`proxmox profile add\`)`,
  );
}

/** Checks that the layers add up to something that can log in; names the variable to set. */
function requireEnough(o: StoredOptions, profile: string | undefined): void {
  const backend = o.backend === 'ssh_paramiko' ? 'ssh' : (o.backend ?? 'https');
  const missing = (variable: string, key: string, extra = '') =>
    new InvalidArgumentError(
      `${variable} is not set${profile ? ` and profile '${profile}' has no ${key}` : ''}${extra}`,
    );
  if ((backend === 'https' || backend === 'ssh' || backend === 'openssh') && o.host === undefined) {
    throw missing('PROXMOX_HOST', 'host');
  }
  if (backend !== 'https') return;
  if (o.user === undefined) throw missing('PROXMOX_USER', 'user');
  const tokenValue = o.tokenValue ?? o.tokenValueCommand;
  if (o.tokenName !== undefined && tokenValue === undefined) {
    throw missing('PROXMOX_TOKEN_VALUE', 'tokenValue', ' (PROXMOX_TOKEN_NAME is)');
  }
  if (tokenValue !== undefined && o.tokenName === undefined) {
    throw missing('PROXMOX_TOKEN_NAME', 'tokenName', ' (PROXMOX_TOKEN_VALUE is)');
  }
  if (tokenValue === undefined && o.password === undefined && o.passwordCommand === undefined) {
    throw missing(
      'PROXMOX_PASSWORD',
      'password',
      ' (or set PROXMOX_TOKEN_NAME and PROXMOX_TOKEN_VALUE for an API token)',
    );
  }
}

/**
 * Options from `PROXMOX_*` variables (over the profile `PROXMOX_PROFILE` names, if set) and
 * under `overrides`. Throws InvalidArgumentError naming the variable that is missing.
 * Synchronous, so secret commands of that profile run blocking.
 */
export function optionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ProxmoxOptions = {},
  store: ProfileStoreOptions = {},
): ProxmoxOptions {
  const name = profileName(undefined, env);
  const base = name === undefined ? { name: undefined, profile: {} } : loadProfile(name, { env, ...store });
  const merged = layerOptions(layerOptions(base.profile, environmentOptions(env)), overrides);
  requireEnough(merged, base.name);
  return runSecretCommandsSync(merged, base.name ? `profile '${base.name}'` : 'the environment');
}

/**
 * Options from a credentials file (JSON or YAML, camelCase or snake_case keys) or a
 * directory of one file per key (a mounted Kubernetes secret), under `overrides`.
 * Files readable by group or others are refused (run the `chmod 600` the message gives).
 */
export async function optionsFromFile(path: string, overrides: ProxmoxOptions = {}): Promise<ProxmoxOptions> {
  const stored = layerOptions(await readCredentials(path), overrides);
  return runSecretCommands(stored, path);
}

export interface ProfileLoadOptions extends ProfileStoreOptions {
  /** Explicit options over the environment and the profile. */
  overrides?: ProxmoxOptions;
}

/**
 * Options from a profile (`name`, else `PROXMOX_PROFILE`, else the config's default),
 * with the environment over it and `overrides` over both; secret commands run last, only
 * for secrets no higher layer gave.
 */
export async function optionsFromProfile(
  name?: string,
  options: ProfileLoadOptions = {},
): Promise<ProxmoxOptions> {
  const env = options.env ?? process.env;
  const { overrides = {}, ...store } = options;
  const found = loadProfile(profileName(name, env), { ...store, env });
  const merged = layerOptions(layerOptions(found.profile, environmentOptions(env)), overrides);
  requireEnough(merged, found.name);
  return runSecretCommands(merged, found.name ? `profile '${found.name}'` : 'the environment');
}
