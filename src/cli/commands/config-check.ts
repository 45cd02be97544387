/**
 * `config add` tries the profile before storing it (issue 16.7): it logs in and reads
 * /version. A certificate that is not trusted is shown with its fingerprint; on a terminal
 * the admin may store that fingerprint (trust on first use, as ssh does with host keys),
 * never silently; without a terminal nothing is stored and the way to pin is printed.
 */
import { dirname } from 'node:path';
import type { StoredOptions } from '../../config/stored-options.js';
import type { ProxmoxOptions } from '../../options/options.js';
import { pinAdvice, serverFingerprint, shellWord, withoutPin } from '../certificate.js';
import { hasSecret } from '../connection.js';
import { CliError, EXIT, exitCodeFor, isCertificateRefusal } from '../exit-codes.js';
import { configPath, type ProfileData } from '../profile-store.js';
import { promptLine } from '../prompt.js';
import { terminalTfa } from '../tfa-prompt.js';
import { rememberTotpSteps } from '../totp-steps.js';

/** The SDK options of the profile, its secret commands run. */
async function sdkOptions(profile: ProfileData) {
  const { runSecretCommands } = await import('../../config/secret-command.js');
  return runSecretCommands(profile as StoredOptions, 'the new profile');
}

/** Reads /version with the profile; throws what the SDK throws. */
async function tryProfile(options: ProxmoxOptions): Promise<string> {
  const { ProxmoxSDK } = await import('../../sdk/proxmox-sdk.js');
  // Its code's step is recorded like any run's: the next run with the profile skips it.
  rememberTotpSteps(options, dirname(await configPath()));
  const px = new ProxmoxSDK({ ...options, onTfa: terminalTfa(true) });
  try {
    const v = (await px.request('GET /version')) as { version?: unknown; release?: unknown };
    return String(v?.version ?? v?.release ?? '?');
  } finally {
    await px.close();
  }
}

/** Where the profile connects (its first host), for the handshake and the messages. */
async function address(options: ProxmoxOptions) {
  const { resolveOptions } = await import('../../options/resolve.js');
  const r = resolveOptions(options);
  const h = r.hosts[0]!;
  const text = `${h.hostname.includes(':') ? `[${h.hostname}]` : h.hostname}:${h.port}`;
  return { hostname: h.hostname, port: h.port, text, service: r.service.name };
}

/**
 * Tries the profile; returns it, with a fingerprint the admin chose to trust. Throws, and
 * nothing is stored, when the connection fails.
 * `argv`: the `config add` words, for the command line to run again.
 */
export async function checkProfile(
  name: string,
  profile: ProfileData,
  argv: readonly string[],
): Promise<ProfileData> {
  const backend = profile.backend ?? 'https';
  if (backend !== 'https') return profile;
  if (!hasSecret(profile as StoredOptions)) {
    process.stderr.write(`profile '${name}': connection not tried (no secret stored)\n`);
    return profile;
  }
  const options = await sdkOptions(profile);
  try {
    const version = await tryProfile(options);
    process.stderr.write(`connected to ${(await address(options)).text}: version ${version}\n`);
    return profile;
  } catch (error) {
    if (!isCertificateRefusal(error)) {
      const message = error instanceof Error ? error.message : String(error);
      throw new CliError(
        `config add: '${name}' not saved: ${message}\n(--no-check saves it without trying the connection)`,
        exitCodeFor(error),
      );
    }
    return trustOnFirstUse(name, profile, await address(options), argv);
  }
}

async function trustOnFirstUse(
  name: string,
  profile: ProfileData,
  where: Awaited<ReturnType<typeof address>>,
  argv: readonly string[],
): Promise<ProfileData> {
  const fingerprint = await serverFingerprint(where.hostname, where.port);
  const pinned = typeof profile.fingerprint === 'string' ? profile.fingerprint : undefined;
  const advice = pinAdvice({
    address: where.text,
    fingerprint,
    pinned,
    service: where.service,
    user: typeof profile.user === 'string' ? profile.user : undefined,
    retry: ['proxmox', 'config', 'add', ...withoutPin(argv), '--fingerprint', fingerprint ?? ''],
    profileHint: false,
  });
  const refused = `config add: '${name}' not saved: the server certificate is not trusted`;
  // A pin that does not match is never replaced by a question: that is the attack case.
  if (fingerprint === undefined || pinned !== undefined || !process.stdin.isTTY) {
    throw new CliError(`${refused}\n${advice.trimEnd()}`, EXIT.CONNECTION);
  }
  process.stderr.write(
    `${where.text} presents a certificate that is not trusted here.\n` +
      `Its SHA-256 fingerprint: ${fingerprint}\n` +
      'Compare it with the one the server shows before you answer.\n',
  );
  const answer = await promptLine(`Trust this certificate and store its fingerprint in '${name}'? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new CliError(
      `${refused}; pin it later with: ${['proxmox', 'config', 'add', ...withoutPin(argv), '--fingerprint', fingerprint].map(shellWord).join(' ')}`,
      EXIT.CONNECTION,
    );
  }
  // Try again with the pin: the login itself has not been tried yet.
  return checkProfile(name, { ...profile, fingerprint }, argv);
}
