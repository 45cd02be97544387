/** HTTPS through an HTTP CONNECT proxy, with TLS checks still against the Proxmox host. */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, ProxmoxSDK } from '../../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../../src/simulator/index.js';
import { simulatorCertificate } from '../../../src/simulator/server/tls.js';
import { proxyFor } from '../../../src/transports/http/proxy-tunnel.js';
import { type ConnectProxy, startConnectProxy } from '../../integration/helpers.js';

let sim: RunningSimulator;
let proxy: ConnectProxy;
let proxyUrl: string;
let tunnels: string[];

beforeAll(async () => {
  sim = await startSimulator();
  proxy = await startConnectProxy();
  proxyUrl = proxy.url;
  tunnels = proxy.tunnels;
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

describe('proxy', () => {
  it('tunnels through the proxy and still pins the server certificate', async () => {
    await using px = await ProxmoxSDK.connect({
      host: `${sim.host}:${sim.port}`,
      user: 'root@pam',
      password: 'proxmox',
      fingerprint: sim.fingerprint,
      proxy: proxyUrl,
    });
    expect(await px.version.get()).toHaveProperty('version');
    expect(tunnels).toContain(`127.0.0.1:${sim.port}`);
  });

  it('refuses a wrong fingerprint behind the proxy too', async () => {
    const wrong = `${sim.fingerprint.startsWith('00') ? '11' : '00'}${sim.fingerprint.slice(2)}`;
    await expect(
      ProxmoxSDK.connect({
        host: `${sim.host}:${sim.port}`,
        user: 'root@pam',
        password: 'proxmox',
        fingerprint: wrong,
        proxy: proxyUrl,
        retries: 0,
      }),
    ).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe('proxyFor', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost,.internal,10.0.0.5:8006' };
  it.each([
    ['pve.example.com', 8006, undefined, 'http://proxy:3128'],
    ['localhost', 8006, undefined, undefined],
    ['pve.internal', 8006, undefined, undefined],
    ['internal', 8006, undefined, undefined],
    ['10.0.0.5', 8006, undefined, undefined],
    ['10.0.0.5', 8007, undefined, 'http://proxy:3128'],
    ['pve.example.com', 8006, false, undefined],
    ['pve.example.com', 8006, 'http://other:1', 'http://other:1'],
  ] as const)('%s:%d (explicit %s) -> %s', (host, port, explicit, want) => {
    expect(proxyFor(host, port, explicit, env)).toBe(want);
  });

  it('uses no proxy when the environment names none', () => {
    expect(proxyFor('pve', 8006, undefined, {})).toBeUndefined();
  });
});

/** The resolved options the client shows (not in the public type: the CLI's `config show` and tests read them). */
function optionsOf(px: unknown): Record<string, unknown> {
  return (px as { options: Record<string, unknown> }).options;
}

/** A CONNECT proxy spoken to over TLS, with a certificate the client trusts only through `ca`. */
async function startTlsProxy(): Promise<ConnectProxy & { ca: string }> {
  const cert = await simulatorCertificate();
  return { ...(await startConnectProxy({ key: cert.key, cert: cert.cert })), ca: cert.cert };
}

describe('issue 15.4: proxy credentials are secrets; an https:// proxy is spoken to over TLS', () => {
  const PROXY_PASSWORD = 'Prx-Pass/7c1e:9';
  const withCredentials = (url: string) =>
    url.replace('://', `://squid:${encodeURIComponent(PROXY_PASSWORD)}@`);

  it('an https:// proxy gets TLS (verified against ca), and Proxy-Authorization inside it', async () => {
    const tlsProxy = await startTlsProxy();
    try {
      await using px = await ProxmoxSDK.connect({
        host: `${sim.host}:${sim.port}`,
        user: 'root@pam',
        password: 'proxmox',
        fingerprint: sim.fingerprint,
        proxy: withCredentials(tlsProxy.url),
        ca: tlsProxy.ca,
      });
      expect(await px.version.get()).toHaveProperty('version');
      expect(tlsProxy.seen.length).toBeGreaterThan(0);
      for (const s of tlsProxy.seen) {
        expect(s.encrypted).toBe(true);
        expect(s.auth).toBe(`Basic ${Buffer.from(`squid:${PROXY_PASSWORD}`).toString('base64')}`);
      }
      // The credentials show nowhere: options, inspect, JSON.
      const shown = [
        JSON.stringify(optionsOf(px)),
        inspect(optionsOf(px), { depth: 5 }),
        inspect(px, { depth: 6 }),
      ];
      for (const text of shown) {
        expect(text).not.toContain(PROXY_PASSWORD);
        expect(text).not.toContain(encodeURIComponent(PROXY_PASSWORD));
      }
      expect(optionsOf(px).proxy).toBe(`https://***@${tlsProxy.url.slice('https://'.length)}`);
    } finally {
      await tlsProxy.close();
    }
  });

  it('an https:// proxy whose certificate is not trusted is refused before any CONNECT', async () => {
    const tlsProxy = await startTlsProxy();
    try {
      const error = await ProxmoxSDK.connect({
        host: `${sim.host}:${sim.port}`,
        user: 'root@pam',
        password: 'proxmox',
        fingerprint: sim.fingerprint,
        proxy: withCredentials(tlsProxy.url),
        retries: 0,
      }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).not.toContain(PROXY_PASSWORD);
      expect(tlsProxy.seen).toEqual([]);
    } finally {
      await tlsProxy.close();
    }
  });

  it('a malformed proxy URL is a typed error that quotes none of it (option and HTTPS_PROXY)', async () => {
    const bad = `http://squid:${PROXY_PASSWORD}@[bad`;
    const fromOption = (() => {
      try {
        new ProxmoxSDK({ host: 'pve', user: 'root@pam', password: 'x', proxy: bad });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(fromOption).toMatchObject({ code: 'PROXMOX_INVALID_ARGUMENT' });
    expect(fromOption!.message).toBe('option proxy: expected an http:// or https:// proxy URL, or false');
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = bad;
    try {
      await using px = new ProxmoxSDK({ host: 'pve.invalid', user: 'root@pam', password: 'x', retries: 0 });
      const error = await px.request('GET /version').catch((e: unknown) => e as Error);
      expect(error).toMatchObject({ code: 'PROXMOX_INVALID_ARGUMENT' });
      expect(inspect(error, { depth: 5 })).not.toContain('Prx-Pass');
      expect((error as Error).message).toMatch(/^HTTPS_PROXY \(or HTTP_PROXY\): not a valid proxy URL/);
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });

  it('an unreachable proxy: the error names none of its credentials', async () => {
    await using px = new ProxmoxSDK({
      host: `${sim.host}:${sim.port}`,
      user: 'root@pam',
      password: 'proxmox',
      fingerprint: sim.fingerprint,
      proxy: withCredentials('http://127.0.0.1:1'),
      retries: 0,
    });
    const error = await px.request('GET /version').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(inspect(error, { depth: 6 })).not.toContain(PROXY_PASSWORD);
  });
});
