/**
 * Where the connection comes from: flags, then `PROXMOX_*` variables, then a profile
 * (`--profile NAME`, `PROXMOX_PROFILE`, or the default profile when neither flags nor the
 * environment name a host). Each key is taken from the first layer that has it.
 * Secrets never come from flags: stdin (`--password-stdin`, `--token-value-stdin`), the
 * environment, the profile, or a prompt without echo on a terminal.
 */
import type { ProxmoxOptions } from '../options.js';
import { flag, type ParsedArgs, UsageError } from './args.js';
import { promptSecret, readStdinSecret } from './prompt.js';

const SECRET_KEYS = ['password', 'tokenName', 'tokenValue', 'otp', 'totpSecret'] as const;

type Mutable = { -readonly [K in keyof ProxmoxOptions]: ProxmoxOptions[K] };

/** The options the flags give (secrets excepted). */
export function optionsFromFlags(o: ParsedArgs['options']): Mutable {
  const out: Mutable = {};
  const text = (name: string) => (typeof o[name] === 'string' ? (o[name] as string) : undefined);
  const host = text('host');
  if (host !== undefined) out.host = host;
  const port = text('port');
  if (port !== undefined) {
    if (!/^\d+$/.test(port)) throw new UsageError(`--port: expected a number, got '${port}'`);
    out.port = Number(port);
  }
  const user = text('user');
  if (user !== undefined) out.user = user;
  const realm = text('realm');
  if (realm !== undefined) out.realm = realm;
  const tokenName = text('token-name');
  if (tokenName !== undefined) out.tokenName = tokenName;
  const service = text('service');
  if (service !== undefined) out.service = service as NonNullable<ProxmoxOptions['service']>;
  const backend = text('backend');
  if (backend !== undefined) out.backend = backend as NonNullable<ProxmoxOptions['backend']>;
  const fingerprint = text('fingerprint');
  if (fingerprint !== undefined) out.fingerprint = fingerprint;
  if (flag(o, 'insecure')) out.verifySsl = false;
  const timeout = text('timeout');
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!(seconds > 0)) throw new UsageError(`--timeout: expected seconds > 0, got '${timeout}'`);
    out.timeout = Math.round(seconds * 1000);
  }
  return out;
}

const hasProxmoxEnv = (env: NodeJS.ProcessEnv) =>
  Object.keys(env).some((k) => k.startsWith('PROXMOX_') && k !== 'PROXMOX_PROFILE' && env[k] !== '');

export interface ConnectionIo {
  env?: NodeJS.ProcessEnv;
  /** Ask for secrets on the terminal (false for completion: never block). */
  interactive?: boolean;
}

/** Options from environment and profile layers, below the flags. */
async function lowerLayers(
  flags: Mutable,
  profileName: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ env: Mutable; profile: Mutable }> {
  let fromEnv: Mutable = {};
  let fromProfile: Mutable = {};
  if (hasProxmoxEnv(env) || profileName !== undefined || flags.host === undefined) {
    const config = await import('../config.js');
    if (hasProxmoxEnv(env)) fromEnv = { ...config.optionsFromEnv(env) };
    const name = profileName ?? (env.PROXMOX_PROFILE || undefined);
    if (name !== undefined) fromProfile = { ...(await config.optionsFromProfile(name)) };
    else if (flags.host === undefined && fromEnv.host === undefined && flags.backend === undefined) {
      // The default profile, if one is set; none is no error here (the caller says what is missing).
      try {
        fromProfile = { ...(await config.optionsFromProfile()) };
      } catch {
        fromProfile = {};
      }
    }
  }
  return { env: fromEnv, profile: fromProfile };
}

/** Resolves the connection options of an API command, asking for missing secrets if allowed. */
export async function connectionOptions(
  parsed: ParsedArgs['options'],
  io: ConnectionIo = {},
): Promise<ProxmoxOptions> {
  const env = io.env ?? process.env;
  const flags = optionsFromFlags(parsed);
  const profileName = typeof parsed.profile === 'string' ? parsed.profile : undefined;
  const layers = await lowerLayers(flags, profileName, env);
  const lower: Mutable = { ...layers.profile, ...layers.env };
  // Credentials below the flags belong to their user: a different --user drops them.
  if (flags.user !== undefined && lower.user !== undefined && lower.user !== flags.user) {
    for (const key of SECRET_KEYS) delete lower[key];
  }
  const merged: Mutable = { ...lower, ...flags };

  const wantsToken = flags.tokenName !== undefined || flag(parsed, 'token-value-stdin');
  const wantsPassword = flag(parsed, 'password-stdin');
  if (wantsToken && wantsPassword) {
    throw new UsageError('--password-stdin and --token-value-stdin: give one way to log in');
  }
  if (wantsToken) delete merged.password;
  if (wantsPassword) {
    delete merged.tokenName;
    delete merged.tokenValue;
  }
  if (flag(parsed, 'password-stdin')) merged.password = await readStdinSecret('--password-stdin');
  if (flag(parsed, 'token-value-stdin')) merged.tokenValue = await readStdinSecret('--token-value-stdin');

  const backend = merged.backend ?? 'https';
  const needsCredentials = backend === 'https';
  if (needsCredentials && merged.host === undefined) {
    throw new UsageError(
      'no server given: use --host (or PROXMOX_HOST), --profile NAME, or `proxmox config add` and `proxmox config use`',
    );
  }
  if (needsCredentials && merged.user === undefined) {
    throw new UsageError('no user given: use --user USER@REALM (or PROXMOX_USER, or a profile)');
  }
  const interactive = io.interactive ?? true;
  if (needsCredentials && merged.tokenName !== undefined && merged.tokenValue === undefined) {
    if (!interactive) throw new UsageError('the API token secret is missing');
    merged.tokenValue = await promptSecret(`API token secret for ${merged.user}!${merged.tokenName}: `);
  } else if (
    needsCredentials &&
    merged.tokenName === undefined &&
    merged.tokenValue === undefined &&
    merged.password === undefined
  ) {
    if (!interactive) throw new UsageError('the password is missing');
    merged.password = await promptSecret(`Password for ${merged.user}: `);
  }
  if (merged.verifySsl === false && flag(parsed, 'insecure')) {
    process.stderr.write(
      'warning: --insecure: the TLS certificate is not checked; anyone on the path can read the credentials\n',
    );
  }
  return merged;
}
