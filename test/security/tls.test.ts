/**
 * TLS (issue 9), beyond what test/integration/https-auth.test.ts covers (self-signed
 * refused by default, wrong pin refused, CA accepted): a refused server never receives a
 * request (so never a credential), a trusted certificate for another name or an expired
 * one is refused, a refused certificate is not retried, and `verifySsl: false` warns
 * once per process with code PROXMOX_INSECURE_TLS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError, ProxmoxSDK } from '../../src/index.js';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';
import { type Certificate, type CountingServer, makeCertificate, startCounting } from './tls-server.js';

const DAY = 86_400_000;
const PASSWORD = 'tls-Secret-Password-7731';
let simCert: Certificate;
let otherName: Certificate;
let expired: Certificate;
const servers: CountingServer[] = [];

beforeAll(async () => {
  simCert = await simulatorCertificate();
  otherName = await makeCertificate(
    ['other.example'],
    new Date(Date.now() - DAY),
    new Date(Date.now() + DAY),
  );
  expired = await makeCertificate(
    ['localhost', '127.0.0.1'],
    new Date(Date.now() - 10 * DAY),
    new Date(Date.now() - DAY),
  );
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(cert: Certificate): Promise<CountingServer> {
  const server = await startCounting(cert);
  servers.push(server);
  return server;
}

async function refusal(options: Record<string, unknown>, server: CountingServer): Promise<unknown> {
  const px = new ProxmoxSDK({
    host: `${server.host}:${server.port}`,
    user: 'root@pam',
    password: PASSWORD,
    retries: 3,
    ...options,
  } as never);
  try {
    await px.request('GET /version');
  } catch (error) {
    return error;
  } finally {
    await px.close();
  }
  throw new Error('expected the certificate to be refused');
}

describe('refused certificates', () => {
  const cases: Array<[string, () => Certificate, () => Record<string, unknown>]> = [
    ['self-signed, default options', () => simCert, () => ({})],
    ['wrong pinned fingerprint', () => simCert, () => ({ fingerprint: otherName.fingerprint })],
    ['trusted CA, certificate for another host name', () => otherName, () => ({ ca: otherName.cert })],
    ['trusted CA, expired certificate', () => expired, () => ({ ca: expired.cert })],
  ];
  for (const [name, cert, options] of cases) {
    it(`${name}: ConnectionError, no HTTP request reached the server, no retry`, async () => {
      const server = await serve(cert());
      const error = await refusal(options(), server);
      expect(isConnectionError(error)).toBe(true);
      expect(String((error as Error).message)).not.toContain(PASSWORD);
      expect(server.requests).toEqual([]);
      expect(server.handshakes()).toBeLessThanOrEqual(1);
    });
  }

  it('the same servers are accepted when trusted properly (control)', async () => {
    const server = await serve(simCert);
    await using px = new ProxmoxSDK({
      host: `${server.host}:${server.port}`,
      user: 'root@pam',
      tokenName: 't',
      tokenValue: 'v-1234',
      ca: simCert.cert,
    });
    expect(await px.request('GET /version')).toEqual({ version: '8.4.0' });
  });
});

describe('verifySsl: false', () => {
  it('warns once per process with code PROXMOX_INSECURE_TLS, never for a pinned certificate', async () => {
    const server = await serve(simCert);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const base = {
        host: `${server.host}:${server.port}`,
        user: 'root@pam',
        tokenName: 't',
        tokenValue: 'v-1234',
      };
      await using pinned = new ProxmoxSDK({ ...base, verifySsl: false, fingerprint: simCert.fingerprint });
      await pinned.request('GET /version');
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => (w as { code?: string }).code === 'PROXMOX_INSECURE_TLS')).toHaveLength(
        0,
      );
      for (let i = 0; i < 3; i++) {
        await using insecure = new ProxmoxSDK({ ...base, verifySsl: false });
        await insecure.request('GET /version');
      }
      await new Promise((r) => setImmediate(r));
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'PROXMOX_INSECURE_TLS');
      expect(ours).toHaveLength(1);
      expect(ours[0]!.message).not.toContain('v-1234');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
