/**
 * The simulator's certificate, written by our own DER encoder: Node parses it, its signature
 * verifies, it names localhost, 127.0.0.1 and ::1, and Node's TLS client accepts it as the
 * only trust anchor (hostname checked). OpenSSL's strict mode and python3-requests check it
 * too: test/integration/certificate-openssl.test.ts and the proxmoxer suite (system tests).
 */
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { objectIdentifier, time, unsignedInteger } from '../../../src/simulator/server/der.js';
import { selfSignedCertificate } from '../../../src/simulator/server/self-signed.js';
import { simulatorCertificate } from '../../../src/simulator/server/tls.js';

describe('DER encoding (X.690)', () => {
  it('encodes object identifiers, minimal integers and both time forms', () => {
    expect(objectIdentifier('1.2.840.10045.4.3.2').toString('hex')).toBe('06082a8648ce3d040302');
    expect(unsignedInteger(Buffer.from([0x00, 0x00, 0x7f])).toString('hex')).toBe('02017f');
    expect(unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe('02020080');
    expect(time(new Date('2049-12-31T23:59:59Z')).toString()).toContain('491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18); // GeneralizedTime from 2050
  });
});

describe('selfSignedCertificate', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date('2051-06-01T00:00:00Z');
  const pem = selfSignedCertificate({
    commonName: 'localhost',
    organization: 'test org',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1', 'fe80::1:2'],
    notBefore,
    notAfter,
  });
  const x509 = new X509Certificate(pem.cert);

  it('is a self-signed v3 CA certificate whose signature verifies', () => {
    expect(x509.ca).toBe(true);
    expect(x509.subject).toBe(x509.issuer);
    expect(x509.subject).toContain('CN=localhost');
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkIssued(x509)).toBe(true);
    expect(new Date(x509.validFrom).getTime()).toBe(notBefore.getTime());
    expect(new Date(x509.validTo).getTime()).toBe(notAfter.getTime());
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('names the DNS name and every address, IPv6 included', () => {
    expect(x509.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FE80:0:0:0:0:0:1:2',
    );
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('example.com')).toBeUndefined();
  });
});

describe('simulatorCertificate', () => {
  it('is made once per process and carries the SHA-256 fingerprint Proxmox shows', async () => {
    const a = await simulatorCertificate();
    expect(await simulatorCertificate()).toBe(a);
    expect(a.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(a.fingerprint).toBe(new X509Certificate(a.cert).fingerprint256.toUpperCase());
  });

  for (const servername of ['localhost', '127.0.0.1']) {
    it(`Node's TLS client trusts it as the only CA and checks the name (${servername})`, async () => {
      const own = await simulatorCertificate();
      const server = createServer({ key: own.key, cert: own.cert }, (socket) => socket.end('hello'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port, ca: own.cert, servername }, () => {
            socket.setEncoding('utf8');
            let text = '';
            socket.on('data', (chunk: string) => (text += chunk));
            socket.on('end', () => resolve(text));
          });
          socket.on('error', reject);
        });
        expect(answer).toBe('hello');
        const refused = await new Promise<Error>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port, ca: own.cert, servername: 'pve.example.com' });
          socket.on('error', resolve);
          socket.on('secureConnect', () => resolve(new Error('connected')));
        });
        expect((refused as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }
});
