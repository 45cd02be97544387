/**
 * A self-signed X.509 v3 certificate (RFC 5280) made with node:crypto alone: an EC P-256
 * key, ECDSA with SHA-256, valid for localhost, 127.0.0.1 and ::1. It replaces an X.509
 * library of ~8 MB that only the simulator needed. The extensions are those OpenSSL's
 * strict mode (`-x509_strict`, Python 3.13's default) asks of a self-signed CA certificate:
 * critical basicConstraints and keyUsage with keyCertSign, and key identifiers.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  booleanTrue,
  explicit,
  implicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface SelfSignedOptions {
  commonName: string;
  organization: string;
  dnsNames: readonly string[];
  /** IPv4 or IPv6 addresses, as text. */
  ipAddresses: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

export interface SelfSignedPem {
  key: string;
  cert: string;
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(objectIdentifier(oid), booleanTrue(), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}

function ipBytes(address: string): Buffer {
  if (address.includes(':')) {
    const [head = '', tail = ''] = address.split('::');
    const groups = (s: string) => (s === '' ? [] : s.split(':'));
    const h = groups(head);
    const t = address.includes('::') ? groups(tail) : [];
    const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return Buffer.from(
      all.flatMap((g) => [(Number.parseInt(g, 16) >> 8) & 0xff, Number.parseInt(g, 16) & 0xff]),
    );
  }
  return Buffer.from(address.split('.').map(Number));
}

export function selfSignedCertificate(o: SelfSignedOptions): SelfSignedPem {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // RFC 5280 4.2.1.2, method 1: SHA-1 of the subjectPublicKey bits (the last 65 bytes for P-256).
  const keyId = createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
  const name = sequence(
    set(sequence(objectIdentifier(OID.commonName), utf8String(o.commonName))),
    set(sequence(objectIdentifier(OID.organizationName), utf8String(o.organization))),
  );
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40; // positive, and 16 bytes long
  const altNames = sequence(
    ...o.dnsNames.map((dns) => implicit(2, Buffer.from(dns, 'ascii'))),
    ...o.ipAddresses.map((ip) => implicit(7, ipBytes(ip))),
  );
  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence(booleanTrue())),
    // digitalSignature (bit 0) and keyCertSign (bit 5): 1000 0100, the last 2 bits unused.
    extension(OID.keyUsage, true, bitString(Buffer.from([0x84]), 2)),
    extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
    extension(OID.subjectAltName, false, altNames),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, keyId))),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(o.notBefore), time(o.notAfter)),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value, as X.509 wants
  const der = sequence(tbs, algorithm, bitString(signature));
  const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`,
  };
}
