/**
 * A self-signed certificate for 127.0.0.1/localhost, made once per process (key generation
 * is the slow part of start-up) and shared by every simulator started in it.
 */
import { X509Certificate } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { selfSignedCertificate } from './self-signed.js';

export interface SimCertificate {
  key: string;
  cert: string;
  /** SHA-256 of the DER certificate, `AA:BB:...` upper-case, as Proxmox shows it. */
  fingerprint: string;
}

let pending: Promise<SimCertificate> | undefined;

async function create(): Promise<SimCertificate> {
  const day = 86_400_000;
  const pems = selfSignedCertificate({
    commonName: 'localhost',
    organization: 'proxmox-sdk simulator',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 3 * 365 * day),
  });
  const fingerprint = new X509Certificate(pems.cert).fingerprint256.toUpperCase();
  return { key: pems.key, cert: pems.cert, fingerprint };
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
