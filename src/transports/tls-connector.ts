/**
 * TLS for the HTTPS transport: checked by default, optionally pinned to a certificate
 * fingerprint (the SHA-256 that Proxmox shows under Certificates), the way a self-signed
 * Proxmox host is trusted safely.
 */
import type { TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import { ConnectionError } from '../errors.js';
import type { ResolvedOptions } from '../resolve-options.js';
import { buildConnector as connector } from './undici-parts.js';

let warnedInsecure = false;

/** Upper-case, colon-separated: the form Proxmox and Node both show. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/../g)?.join(':') ?? '';
}

export function tlsConnector(options: ResolvedOptions): buildConnector.connector {
  const pinned = options.fingerprint === undefined ? undefined : normalizeFingerprint(options.fingerprint);
  const verify = options.verifySsl && pinned === undefined;
  if (!options.verifySsl && pinned === undefined && !warnedInsecure) {
    warnedInsecure = true;
    process.emitWarning(
      'verifySsl is false: the server certificate is not checked. Pin it with the fingerprint option instead.',
      { code: 'PROXMOX_INSECURE_TLS' },
    );
  }
  const base = connector({
    rejectUnauthorized: verify,
    timeout: options.connectTimeout,
    keepAlive: true,
    ...(options.ca === undefined ? {} : { ca: options.ca as string | Buffer | Array<string | Buffer> }),
    ...(options.cert === undefined ? {} : { cert: options.cert }),
    ...(options.key === undefined ? {} : { key: options.key }),
  });
  if (pinned === undefined) return base;
  return (connectOptions, callback) => {
    base(connectOptions, (error, socket) => {
      if (error) return callback(error, null);
      const tls = socket as TLSSocket;
      // A resumed session carries no certificate, but it can only resume a handshake that
      // this connector already checked (Node skips identity checks on reuse for the same reason).
      if (tls.isSessionReused()) return callback(null, socket!);
      const seen = tls.getPeerCertificate()?.fingerprint256;
      if (seen === undefined || normalizeFingerprint(seen) !== pinned) {
        socket!.destroy();
        return callback(
          new ConnectionError(
            `certificate of ${connectOptions.hostname}:${connectOptions.port} does not match the pinned fingerprint ` +
              `(server has ${seen ?? 'none'})`,
          ),
          null,
        );
      }
      callback(null, socket!);
    });
  };
}
