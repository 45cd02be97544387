/**
 * Where the connection comes from: flags, then `PROXMOX_*` variables, then a profile
 * (`--profile NAME`, `PROXMOX_PROFILE`, or the default profile when neither flags nor the
 * environment name a host: a default profile's password must not travel to another host).
 * Layering is the SDK's (src/config/config.ts): each key from the first layer that has it, and
 * credentials as a whole, so halves of two logins never mix.
 * Secrets never come from flags: stdin (`--password-stdin`, `--token-value-stdin`), the
 * environment, the profile (or its secret command), or a prompt without echo on a terminal.
 */

import { dirname } from 'node:path';
import type { StoredOptions } from '../config/stored-options.js';
import type { ProxmoxOptions } from '../options/options.js';
import { flag, type ParsedArgs, UsageError } from './args.js';
import { rememberConnection } from './last-connection.js';
import { promptSecret, readStdinSecret } from './prompt.js';
import { terminalTfa } from './tfa-prompt.js';
import { rememberTotpSteps } from './totp-steps.js';

type Mutable = { -readonly [K in keyof ProxmoxOptions]: ProxmoxOptions[K] };

/**
 * Flags whose text is the option's value as it stands. `--ca`, `--cert` and `--key` are file
 * paths: the SDK reads them (and checks cert and key are a pair) when the client is made.
 */
const TEXT_FLAGS = {
  host: 'host',
  user: 'user',
  realm: 'realm',
  'token-name': 'tokenName',
  service: 'service',
  backend: 'backend',
  fingerprint: 'fingerprint',
  ca: 'ca',
  cert: 'cert',
  key: 'key',
} as const satisfies Record<string, keyof ProxmoxOptions>;

/** The options the flags give (secrets excepted). */
export function optionsFromFlags(o: ParsedArgs['options']): Mutable {
  const out: Mutable = {};
  const text = (name: string) => (typeof o[name] === 'string' ? (o[name] as string) : undefined);
  for (const [name, key] of Object.entries(TEXT_FLAGS)) {
    const value = text(name);
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  const port = text('port');
  if (port !== undefined) {
    if (!/^\d+$/.test(port)) throw new UsageError(`--port: expected a number, got '${port}'`);
    out.port = Number(port);
  }
  if (flag(o, 'insecure')) out.verifySsl = false;
  const timeout = text('timeout');
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!(seconds > 0)) throw new UsageError(`--timeout: expected seconds > 0, got '${timeout}'`);
    out.timeout = Math.round(seconds * 1000);
  }
  return out;
}

export interface ConnectionIo {
  env?: NodeJS.ProcessEnv;
  /** Ask for secrets on the terminal (false for completion: never block). */
  interactive?: boolean;
  /** Whether a secret is needed at all (false for --curl, which sends nothing). */
  secrets?: boolean;
}

/** Whether the options hold a way to the login's secret. */
export const hasSecret = (o: StoredOptions) =>
  o.password !== undefined ||
  o.passwordCommand !== undefined ||
  o.tokenValue !== undefined ||
  o.tokenValueCommand !== undefined;

/** The profile beneath the flags and the environment, by name; undefined for none. */
async function chooseProfile(
  config: typeof import('../config/config.js'),
  flags: Mutable,
  named: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ name: string; stored: StoredOptions } | undefined> {
  const name = named ?? (env.PROXMOX_PROFILE || undefined);
  if (name !== undefined) {
    const stored = await config.getProfile(name, { env });
    if (stored === undefined) throw new UsageError(`no profile named '${name}' (see 'proxmox config list')`);
    return { name, stored };
  }
  if (flags.host !== undefined || flags.backend !== undefined || env.PROXMOX_HOST) return undefined;
  const chosen = (await config.listProfiles({ env })).find((p) => p.isDefault);
  if (chosen === undefined) return undefined;
  const stored = await config.getProfile(chosen.name, { env });
  return stored === undefined ? undefined : { name: chosen.name, stored };
}

/**
 * A profile's stored secrets go only to the host they were stored with (issue 15.3): with
 * another host given (--host, PROXMOX_HOST), the profile keeps its other settings, and the
 * login needs a secret from the flags, the environment or a prompt.
 */
function forHost(stored: StoredOptions, host: string | readonly string[] | undefined): StoredOptions {
  const own = stored.host === undefined ? [] : [stored.host].flat().map(String);
  if (host === undefined || [host].flat().every((h) => own.includes(h))) return stored;
  const {
    password,
    passwordCommand,
    tokenValue,
    tokenValueCommand,
    totpSecret,
    totpSecretCommand,
    otp,
    ...rest
  } = stored as StoredOptions & Record<string, unknown>;
  return rest as StoredOptions;
}

/** Resolves the connection options of an API command, asking for missing secrets if allowed. */
export async function connectionOptions(
  parsed: ParsedArgs['options'],
  io: ConnectionIo = {},
): Promise<ProxmoxOptions> {
  const env = io.env ?? process.env;
  const flags = optionsFromFlags(parsed);
  if (flag(parsed, 'password-stdin') && flag(parsed, 'token-value-stdin')) {
    throw new UsageError('--password-stdin and --token-value-stdin: give one way to log in');
  }
  if (flag(parsed, 'password-stdin')) flags.password = await readStdinSecret('--password-stdin');
  if (flag(parsed, 'token-value-stdin')) flags.tokenValue = await readStdinSecret('--token-value-stdin');

  // Flags alone need neither the config module nor its YAML parser: keep `get` fast.
  const needsConfig =
    typeof parsed.profile === 'string' ||
    Object.keys(env).some((k) => k.startsWith('PROXMOX_') && env[k] !== '') ||
    flags.host === undefined;
  const config = needsConfig ? await import('../config/config.js') : undefined;
  const { layerOptions } = needsConfig
    ? await import('../config/stored-options.js')
    : { layerOptions: undefined };
  const profile = config
    ? await chooseProfile(config, flags, typeof parsed.profile === 'string' ? parsed.profile : undefined, env)
    : undefined;
  let lower: StoredOptions = profile
    ? forHost(profile.stored, flags.host ?? (env.PROXMOX_HOST || undefined))
    : {};
  if (config && layerOptions) lower = layerOptions(lower, config.environmentOptions(env));
  // Credentials below the flags belong to their user: a different --user does not inherit them.
  if (flags.user !== undefined && lower.user !== undefined && lower.user !== flags.user) {
    const { password, passwordCommand, tokenName, tokenValue, tokenValueCommand, ...rest } = lower;
    lower = rest;
  }
  const preview: StoredOptions = layerOptions ? layerOptions(lower, flags) : { ...flags };

  const backend = preview.backend ?? 'https';
  // The mock backend (the in-process simulator) checks logins like a server; it needs no host.
  const needsCredentials = backend === 'https' || backend === 'mock';
  if (backend === 'https' && preview.host === undefined) {
    throw new UsageError(
      'no server given: use --host (or PROXMOX_HOST), --profile NAME, or `proxmox config add` and `proxmox config use`',
    );
  }
  if (needsCredentials && preview.user === undefined) {
    throw new UsageError('no user given: use --user USER@REALM (or PROXMOX_USER, or a profile)');
  }
  const interactive = io.interactive ?? true;
  if (needsCredentials && !hasSecret(preview) && io.secrets !== false) {
    if (!interactive) throw new UsageError('the password or token secret is missing');
    if (preview.tokenName !== undefined) {
      flags.tokenValue = await promptSecret(`API token secret for ${preview.user}!${preview.tokenName}: `);
    } else flags.password = await promptSecret(`Password for ${preview.user}: `);
  }
  // A second factor the options do not give (totpSecret, otp) is asked on the terminal.
  const onTfa = terminalTfa(interactive);
  let options: ProxmoxOptions;
  if (config === undefined || layerOptions === undefined) options = { ...flags, onTfa };
  else if (profile === undefined) options = { ...(layerOptions(lower, flags) as ProxmoxOptions), onTfa };
  else {
    // The SDK runs the profile's secret commands, only for secrets no higher layer gave.
    const merged = layerOptions(lower, flags);
    const { runSecretCommands } = await import('../config/secret-command.js');
    options = { ...(await runSecretCommands(merged, `profile '${profile.name}'`)), onTfa };
  }
  rememberConnection(options);
  // A TOTP secret comes only from the environment or a profile, so the config module is loaded.
  if (config !== undefined) rememberTotpSteps(options, dirname(config.configPath({ env })));
  return options;
}
