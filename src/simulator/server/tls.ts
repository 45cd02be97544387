/**
 * A self-signed certificate for 127.0.0.1/localhost, made once per process (key generation
 * is the slow part of start-up) and shared by every simulator started in it.
 */
import { X509Certificate } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { generate } from 'selfsigned';

export interface SimCertificate {
  key: string;
  cert: string;
  /** SHA-256 of the DER certificate, `AA:BB:...` upper-case, as Proxmox shows it. */
  fingerprint: string;
}

let pending: Promise<SimCertificate> | undefined;

async function create(): Promise<SimCertificate> {
  const notBeforeDate = new Date(Date.now() - 86_400_000);
  const notAfterDate = new Date(Date.now() + 3 * 365 * 86_400_000);
  const pems = await generate(
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'proxmox-sdk simulator' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    },
  );
  const fingerprint = new X509Certificate(pems.cert).fingerprint256.toUpperCase();
  return { key: pems.private, cert: pems.cert, fingerprint };
}

export function simulatorCertificate(): Promise<SimCertificate> {
  pending ??= create().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

/** The server side: the simulator's certificate, and with `clientCa` a client certificate required. */
export function serverTlsOptions(
  certificate: SimCertificate,
  clientCa: string | Buffer | ReadonlyArray<string | Buffer> | undefined,
): TlsOptions {
  const own = { key: certificate.key, cert: certificate.cert };
  if (clientCa === undefined) return own;
  return {
    ...own,
    ca: clientCa as string | Buffer | Array<string | Buffer>,
    requestCert: true,
    rejectUnauthorized: true,
  };
}
