/**
 * Self-signed certificates, the normal case on Proxmox hosts (issue 16.7): when the SDK
 * refuses a server certificate, show the certificate the server presents and the exact way
 * to pin it, the way ssh shows a new host key. Never trusts anything by itself: pinning is
 * the admin's decision (`--fingerprint`, or `config add`, which asks).
 */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { normalizeFingerprint } from '../transports/http/tls-connector.js';
import { usedConnection } from './last-connection.js';

/**
 * The SHA-256 fingerprint of the certificate `hostname:port` presents, read on a handshake of
 * our own that checks nothing and sends nothing; undefined when it cannot be read.
 */
export function serverFingerprint(
  hostname: string,
  port: number,
  timeoutMs = 5000,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname,
      port,
      rejectUnauthorized: false,
      ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
    });
    const done = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('secureConnect', () => {
      const seen = socket.getPeerCertificate()?.fingerprint256;
      done(seen ? normalizeFingerprint(seen) : undefined);
    });
    socket.once('error', () => done(undefined));
  });
}

/** `ls -l` safe: a word the shell reads back as itself. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Where an admin reads the certificate's fingerprint on the server itself, to compare. */
const ON_THE_SERVER: Readonly<Record<string, string>> = {
  PVE: "GUI: the node > System > Certificates; shell: 'pvenode cert info'",
  PBS: "GUI: Configuration > Certificates; shell: 'proxmox-backup-manager cert info'",
  PMG: 'GUI: Configuration > Certificates',
  PDM: 'GUI: the certificate view of the Datacenter Manager',
};

export interface PinAdvice {
  address: string;
  fingerprint: string | undefined;
  /** The fingerprint that was pinned and did not match, if one was. */
  pinned: string | undefined;
  service: string;
  /** The user of the connection, for the profile line. */
  user?: string | undefined;
  /** The command line to run again with the pin, as words (`proxmox` first). */
  retry?: readonly string[];
  /** Also say how to store the pin in a profile (not when the retry is `config add`). */
  profileHint?: boolean;
}

/** What to print after the error: the certificate seen and how to pin it. */
export function pinAdvice(a: PinAdvice): string {
  if (a.fingerprint === undefined) {
    return `could not read the certificate of ${a.address} to show its fingerprint\n`;
  }
  const lines: string[] = [];
  if (a.pinned !== undefined) {
    lines.push(
      `${a.address} presents a certificate other than the pinned one (pinned ${a.pinned}).`,
      'If nobody renewed it on purpose, someone may be in the middle: stop here.',
    );
  } else lines.push(`${a.address} presents a certificate that is not trusted here.`);
  lines.push(
    `Its SHA-256 fingerprint: ${a.fingerprint}`,
    `Compare it with the one the server shows (${ON_THE_SERVER[a.service] ?? ON_THE_SERVER.PVE}); if they match, pin it:`,
  );
  if (a.retry !== undefined) lines.push(`  ${a.retry.map(shellWord).join(' ')}`);
  lines.push(`  or for every command: export PROXMOX_FINGERPRINT=${a.fingerprint}`);
  if (a.profileHint !== false) {
    lines.push(
      `  or in a profile: proxmox config add NAME --host ${shellWord(a.address)} --user ${shellWord(a.user ?? 'USER@REALM')} --fingerprint ${a.fingerprint}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** API parameters that carry a secret (`password`, `new-password`, `otp`, ...). */
export const SECRET_PARAM_NAME = /^(?:[\w-]*(?:password|secret)|otp)$/i;

/**
 * The command line without the pin that failed (`--fingerprint X`, `--fingerprint=X`), and
 * with the value of a secret parameter replaced by `...`: advice is no place for a password.
 */
export function withoutPin(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const option = /^--?([\w-]+)(=?)/.exec(word);
    const secret = option !== null && SECRET_PARAM_NAME.test(option[1]!);
    if (word === '--fingerprint') i++;
    else if (word.startsWith('--fingerprint=')) continue;
    else if (secret && option[2] === '=') out.push(`${word.slice(0, word.indexOf('='))}=...`);
    else if (secret && i + 1 < argv.length) {
      out.push(word, '...');
      i++;
    } else out.push(word);
  }
  return out;
}

/** The advice for a certificate refusal of the remembered connection; '' when there is none. */
export async function adviceForRefusal(argv: readonly string[]): Promise<string> {
  const used = usedConnection();
  if (used === undefined) return '';
  const { resolveOptions } = await import('../options/resolve.js');
  let resolved: ReturnType<typeof resolveOptions>;
  try {
    resolved = resolveOptions(used);
  } catch {
    return '';
  }
  const host = resolved.hosts[0];
  if (host === undefined) return '';
  const address = `${host.hostname.includes(':') ? `[${host.hostname}]` : host.hostname}:${host.port}`;
  const fingerprint = await serverFingerprint(host.hostname, host.port);
  return pinAdvice({
    address,
    fingerprint,
    pinned: resolved.fingerprint === undefined ? undefined : normalizeFingerprint(resolved.fingerprint),
    service: resolved.service.name,
    user: resolved.userid,
    retry: ['proxmox', '--fingerprint', fingerprint ?? '', ...withoutPin(argv)],
  });
}
