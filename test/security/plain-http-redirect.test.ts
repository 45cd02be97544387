/**
 * Credentials never travel in clear text unless the caller says so, and never follow a
 * redirect to another host (issue 9). A plain TCP listener counts connections: refused
 * options must leave it untouched. The client follows no redirect at all: a 3xx is a
 * ResourceException and the redirect's target sees nothing.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInvalidArgumentError, isProxmoxError, isResourceException, ProxmoxSDK } from '../../src/index.js';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';
import { type CountingServer, startCounting } from './tls-server.js';

const PASSWORD = 'Plain-Text-Never-4471';
const TOKEN = 'tok-Plain-Never-0c5f';

/** A plain TCP listener that answers like an HTTP server and counts connections. */
async function plainListener(): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.once('data', () =>
      s.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"data":null}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('plain http', () => {
  let listener: Awaited<ReturnType<typeof plainListener>>;
  beforeAll(async () => {
    listener = await plainListener();
  });
  afterAll(() => listener.close());

  const refusedHosts = (port: number) => [
    `http://127.0.0.1:${port}`,
    `HTTP://127.0.0.1:${port}`,
    [`https://127.0.0.1:1`, `http://127.0.0.1:${port}`],
  ];

  it('refuses http:// at construction and in connect(), for passwords and tokens; nothing is sent', async () => {
    for (const host of refusedHosts(listener.port)) {
      for (const creds of [
        { user: 'root@pam', password: PASSWORD },
        { user: 'root@pam', tokenName: 'ci', tokenValue: TOKEN },
      ]) {
        let thrown: unknown;
        try {
          new ProxmoxSDK({ host, ...creds } as never);
        } catch (error) {
          thrown = error;
        }
        expect(isInvalidArgumentError(thrown)).toBe(true);
        expect((thrown as Error).message).toMatch(/allowInsecureHttp/);
        await expect(ProxmoxSDK.connect({ host, ...creds } as never)).rejects.toMatchObject({
          code: 'PROXMOX_INVALID_ARGUMENT',
        });
      }
    }
    expect(listener.connections()).toBe(0);
  });

  it('sends over http only with allowInsecureHttp: true (control: the listener does see that)', async () => {
    await using px = new ProxmoxSDK({
      host: `http://127.0.0.1:${listener.port}`,
      user: 'root@pam',
      tokenName: 'ci',
      tokenValue: TOKEN,
      allowInsecureHttp: true,
    });
    await px.request('GET /version');
    expect(listener.connections()).toBe(1);
  });
});

describe('redirects', () => {
  let target: CountingServer;
  let redirector: CountingServer;
  let status = 302;

  beforeAll(async () => {
    const cert = await simulatorCertificate();
    target = await startCounting(cert);
    redirector = await startCounting(cert, (res) => {
      res.writeHead(status, {
        location: `https://localhost:${target.port}/api2/json/version`,
        'content-length': 0,
      });
      res.end();
    });
  });
  afterAll(async () => {
    await target.close();
    await redirector.close();
  });

  for (const code of [301, 302, 303, 307, 308]) {
    it(`${code} to another host: a typed error, and the other host sees nothing`, async () => {
      status = code;
      const cert = await simulatorCertificate();
      const base = { host: `127.0.0.1:${redirector.port}`, fingerprint: cert.fingerprint, retries: 2 };
      await using withToken = new ProxmoxSDK({
        ...base,
        user: 'root@pam',
        tokenName: 'ci',
        tokenValue: TOKEN,
      });
      await expect(withToken.request('GET /version')).rejects.toSatisfy(
        (e) => isResourceException(e) && (e as { statusCode: number }).statusCode === code,
      );
      await expect(
        withToken.request('POST /nodes/{node}/qemu', { node: 'pve1', vmid: 100 }),
      ).rejects.toSatisfy(isResourceException);
      // A redirected login is a failed login, never a login elsewhere.
      await using withPassword = new ProxmoxSDK({ ...base, user: 'root@pam', password: PASSWORD });
      await expect(withPassword.request('GET /version')).rejects.toSatisfy(isProxmoxError);
      expect(target.handshakes()).toBe(0);
      expect(target.requests).toEqual([]);
    });
  }
});
