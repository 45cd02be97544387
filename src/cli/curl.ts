/**
 * `--curl`: the call as a curl command line an admin can run to reproduce it (issue 16.10),
 * nothing sent. Secrets never appear: they are shell variables, the ones `proxmox` itself
 * reads ($PROXMOX_PASSWORD, $PROXMOX_TOKEN_VALUE), and a secret API parameter
 * (`-password`) becomes $PROXMOX_PARAM_PASSWORD. A pinned fingerprint becomes curl's
 * `--pinnedpubkey` of the certificate's key, read on a TLS handshake (no HTTP request).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { paramPairs } from '../core/encode.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { ProxmoxOptions } from '../options/options.js';
import type { ResolvedOptions } from '../options/resolve.js';
import { SECRET_PARAM_NAME, shellWord } from './certificate.js';
import { CliError, EXIT } from './exit-codes.js';

/** A word for the shell: literal text with shell variables in it, in double quotes. */
type Part = string | { variable: string };

function word(...parts: Part[]): string {
  if (parts.every((p) => typeof p === 'string')) return shellWord(parts.join(''));
  const text = parts
    .map((p, i) => {
      if (typeof p === 'string') return p.replace(/[\\"$`]/g, (c) => `\\${c}`);
      // Braces only where a name character follows: `"$PROXMOX_PASSWORD"` reads better.
      const next = parts[i + 1];
      return typeof next === 'string' && /^\w/.test(next) ? `\${${p.variable}}` : `$${p.variable}`;
    })
    .join('');
  return `"${text}"`;
}

const paramVariable = (name: string) => `PROXMOX_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** `sha256//BASE64` of the certificate's public key, if it matches the pinned fingerprint. */
function pinnedPublicKey(hostname: string, port: number, fingerprint: string): Promise<string> {
  const want = fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port,
      rejectUnauthorized: false,
      ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
    });
    const fail = (why: string) => {
      socket.destroy();
      reject(new CliError(`--curl: ${why}`, EXIT.CONNECTION));
    };
    socket.setTimeout(5000, () => fail(`no TLS handshake with ${hostname}:${port} within 5 s`));
    socket.once('error', (e) => fail(`cannot read the certificate of ${hostname}:${port}: ${e.message}`));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      if (cert === undefined) return fail(`${hostname}:${port} presented no certificate`);
      if (cert.fingerprint256.replace(/:/g, '') !== want) {
        return fail(`the certificate of ${hostname}:${port} does not match the pinned fingerprint`);
      }
      const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
      resolve(`sha256//${createHash('sha256').update(spki).digest('base64')}`);
    });
  });
}

/** TLS options: how the SDK would trust the server, said to curl. */
async function tlsWords(options: ProxmoxOptions, r: ResolvedOptions): Promise<string[]> {
  const out: string[] = [];
  const host = r.hosts[0]!;
  if (r.fingerprint !== undefined) {
    // -k: no CA check, but the key pin is checked, which is what the fingerprint means.
    out.push('-k', '--pinnedpubkey', await pinnedPublicKey(host.hostname, host.port, r.fingerprint));
  } else if (!r.verifySsl) out.push('-k');
  const file = (key: 'ca' | 'cert' | 'key', flag: string, variable: string) => {
    const value = options[key];
    if (typeof value !== 'string') return;
    // PEM text (from PROXMOX_CA and friends) is no file name: hand it to curl as a pipe.
    out.push(flag, value.includes('-----BEGIN') ? `<(printf '%s\\n' "\${${variable}}")` : shellWord(value));
  };
  file('ca', '--cacert', 'PROXMOX_CA');
  file('cert', '--cert', 'PROXMOX_CERT');
  file('key', '--key', 'PROXMOX_KEY');
  return out;
}

export interface CurlCall {
  method: HttpMethod;
  /** The encoded API path (`/nodes/pve1/qemu`). */
  path: string;
  params: Params;
  options: ProxmoxOptions;
}

/** The shell lines that make the call with curl (a login first for a password). */
export async function curlScript(call: CurlCall): Promise<string> {
  const { resolveOptions } = await import('../options/resolve.js');
  const token = call.options.tokenName !== undefined;
  // Placeholders: the secrets stay in the shell's variables.
  const { password: _p, tokenValue: _t, onTfa: _f, ...rest } = call.options;
  const r = resolveOptions(token ? { ...rest, tokenValue: 'x' } : { ...rest, password: 'x' });
  if (r.backend !== 'https') throw new CliError('--curl: only for the https backend', EXIT.USAGE);
  const host = r.hosts[0]!;
  const base = `${host.protocol}://${host.hostname.includes(':') ? `[${host.hostname}]` : host.hostname}:${host.port}${r.pathPrefix}/api2/json`;
  const tls = await tlsWords(call.options, r);
  const lines: string[] = [];
  const needs = new Set<string>();
  const auth: string[] = [];
  const s = r.service;
  if (token) {
    needs.add('PROXMOX_TOKEN_VALUE');
    auth.push(
      '-H',
      word(`Authorization: ${s.tokenScheme}=${r.userid}!${r.tokenName}${s.tokenSeparator}`, {
        variable: 'PROXMOX_TOKEN_VALUE',
      }),
    );
  } else {
    needs.add('PROXMOX_PASSWORD');
    const login = [
      'curl',
      '-fsS',
      ...tls,
      '--data-urlencode',
      word(`username=${r.userid}`),
      '--data-urlencode',
      word('password=', { variable: 'PROXMOX_PASSWORD' }),
      word(`${base}/access/ticket`),
    ];
    lines.push(`login=$(${login.join(' ')})`);
    lines.push(`PROXMOX_TICKET=$(printf '%s' "$login" | jq -r .data.ticket)`);
    auth.push('-b', word(`${s.cookieName}=`, { variable: 'PROXMOX_TICKET' }));
    if (call.method !== 'GET') {
      lines.push(`PROXMOX_CSRF=$(printf '%s' "$login" | jq -r .data.CSRFPreventionToken)`);
      auth.push('-H', word('CSRFPreventionToken: ', { variable: 'PROXMOX_CSRF' }));
    }
  }
  const data: string[] = [];
  for (const [key, value] of paramPairs(call.params)) {
    if (SECRET_PARAM_NAME.test(key)) {
      needs.add(paramVariable(key));
      data.push('--data-urlencode', word(`${key}=`, { variable: paramVariable(key) }));
    } else data.push('--data-urlencode', word(`${key}=${value}`));
  }
  if (data.length > 0 && r.bodyEncoding === 'json' && (call.method === 'POST' || call.method === 'PUT')) {
    throw new CliError(
      '--curl: the bodyEncoding json option is not supported; the form body is what Proxmox reads',
      EXIT.USAGE,
    );
  }
  const method =
    call.method === 'GET'
      ? data.length > 0
        ? ['-G']
        : []
      : call.method === 'DELETE'
        ? ['-X', 'DELETE', ...(data.length > 0 ? ['-G'] : [])]
        : call.method === 'PUT'
          ? ['-X', 'PUT']
          : data.length > 0
            ? []
            : ['-X', 'POST'];
  lines.push(['curl', '-sS', ...tls, ...auth, ...method, ...data, word(`${base}${call.path}`)].join(' '));
  const header = [
    `# ${call.method} ${call.path} with curl; set ${[...needs].join(', ')} first${token ? '' : ' (and have jq)'}`,
  ];
  return `${[...header, ...lines].join('\n')}\n`;
}
