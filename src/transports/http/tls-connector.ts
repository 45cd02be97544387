/**
 * TLS for the HTTPS transport: checked by default, optionally pinned to a certificate
 * fingerprint (the SHA-256 that Proxmox shows under Certificates), the way a self-signed
 * Proxmox host is trusted safely; with a client certificate for servers (or the reverse
 * proxy in front of them) that demand mutual TLS.
 */
import type { TLSSocket } from 'node:tls';
import { ConnectionError } from '../../core/errors.js';
import type { ResolvedOptions } from '../../options/resolve.js';
import { type Connector, socketConnector, socketFailures } from './socket-connector.js';

let warnedInsecure = false;

/** Upper-case, colon-separated: the form Proxmox and Node both show. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/../g)?.join(':') ?? '';
}

export function tlsConnector(options: ResolvedOptions): Connector {
  const pinned = options.fingerprint === undefined ? undefined : normalizeFingerprint(options.fingerprint);
  const verify = options.verifySsl && pinned === undefined;
  if (!options.verifySsl && pinned === undefined && !warnedInsecure) {
    warnedInsecure = true;
    process.emitWarning(
      'verifySsl is false: the server certificate is not checked. Pin it with the fingerprint option instead.',
      { code: 'PROXMOX_INSECURE_TLS' },
    );
  }
  const base = socketConnector({
    timeout: options.connectTimeout,
    tls: {
      rejectUnauthorized: verify,
      ...(options.ca === undefined ? {} : { ca: options.ca as string | Buffer | Array<string | Buffer> }),
      ...(options.cert === undefined ? {} : { cert: options.cert }),
      ...(options.key === undefined ? {} : { key: options.key }),
      ...(options.key === undefined || options.passphrase === undefined
        ? {}
        : { passphrase: options.passphrase }),
    },
  });
  const hasCert = options.cert !== undefined;
  return (connectOptions, callback) => {
    base(connectOptions, (error, socket) => {
      if (error) return callback(explainAlert(error, hasCert) ?? error, null);
      const tls = socket as TLSSocket;
      // A resumed session carries no certificate, but it can only resume a handshake that
      // this connector already checked (Node skips identity checks on reuse for the same reason).
      if (pinned !== undefined && connectOptions.protocol === 'https:' && !tls.isSessionReused()) {
        const seen = tls.getPeerCertificate()?.fingerprint256;
        if (seen === undefined || normalizeFingerprint(seen) !== pinned) {
          socket!.destroy();
          return callback(
            new ConnectionError(
              `certificate of ${connectOptions.hostname}:${connectOptions.port} does not match the pinned fingerprint ` +
                `(server has ${seen ?? 'none'})`,
              { sent: 'no', certificate: true },
            ),
            null,
          );
        }
      }
      if (connectOptions.protocol === 'https:') keepAlerts(tls, hasCert);
      callback(null, socket!);
    });
  };
}

/**
 * TLS 1.3 servers judge the client certificate after the client has finished its
 * handshake: the refusal arrives as an alert on the first read, and the end of the stream
 * that follows would hide it: the alert is turned into the socket's error here, in words.
 * Some servers (Node's among them) refuse an untrusted certificate by closing without an alert: a connection that
 * presented a certificate and ends before a single byte of answer gets a hint too.
 */
function keepAlerts(socket: TLSSocket, hasCert: boolean): void {
  socket.prependListener('error', (error: Error) => {
    const explained = explainAlert(error, hasCert);
    if (explained === undefined) return;
    socketFailures.set(socket, explained);
    socket.destroy(explained);
  });
  if (!hasCert) return;
  socket.prependOnceListener('end', () => {
    if (socket.bytesRead > 0) return;
    const explained = new Error(
      'the server closed the connection after the TLS handshake without answering: ' +
        'it may have refused the client certificate (is it signed by a CA the server trusts, and valid?)',
    );
    socketFailures.set(socket, explained);
    socket.destroy(explained);
  });
}

/** Alerts a server sends about the client certificate, and the handshake failure TLS 1.2 servers send for a missing one. */
const CLIENT_CERT_ALERTS = new Set([
  'certificate required',
  'handshake failure',
  'bad certificate',
  'unsupported certificate',
  'certificate revoked',
  'certificate expired',
  'certificate unknown',
  'unknown ca',
  'access denied',
]);

/**
 * A server's TLS alert about the client certificate, said in words (OpenSSL's text names
 * source files and alert numbers). Its code contains CERT, so that the request pipeline
 * treats it as a certificate error and does not retry: the answer would be the same.
 */
function explainAlert(error: Error, hasCert: boolean): Error | undefined {
  const code = (error as { code?: unknown }).code;
  // The prefix names OpenSSL's protocol label: SSLV3 or TLSV13 (Node 20), SSL/TLS (Node 24).
  const match =
    typeof code === 'string' ? /^ERR_SSL_(?:SSLV3|TLSV1\d*|SSL\/TLS)_ALERT_(\w+)$/.exec(code) : null;
  const alert = match?.[1]?.toLowerCase().replace(/_/g, ' ');
  if (alert === undefined || !CLIENT_CERT_ALERTS.has(alert)) return undefined;
  const needs = alert === 'certificate required' ? 'it requires' : 'it may require';
  const message = hasCert
    ? `the server refused the client certificate (TLS alert '${alert}'): is it signed by a CA the server trusts, and valid?`
    : `the server refused the connection (TLS alert '${alert}'): ${needs} a client certificate (options cert and key)`;
  return Object.assign(new Error(message, { cause: error }), { code: 'PROXMOX_CLIENT_CERTIFICATE_REFUSED' });
}
