/**
 * httpGet (src/transports/http/http-get.ts), the checksum files' fetch on our own client,
 * against real servers on 127.0.0.1: redirects up to 5, the size cap, HTTP_PROXY with
 * NO_PROXY, and the timeout.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../../../src/transports/http/http-get.js';

let server: Server;
let proxy: Server;
let base: string;
let proxyUrl: string;
const proxied: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const hops = /^\/hop\/(\d+)$/.exec(req.url ?? '');
    if (hops) {
      const n = Number(hops[1]);
      res.writeHead(302, { location: n === 0 ? '/file' : `/hop/${n - 1}` });
      res.end();
    } else if (req.url === '/file') {
      res.end('1111  a.iso\n');
    } else if (req.url === '/big') {
      res.end(Buffer.alloc(64 * 1024, 'x'));
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 2_000);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  // A forward proxy for plain HTTP: it gets the whole URL as the request target.
  proxy = createServer((req, res) => {
    proxied.push(`${req.url} auth=${req.headers['proxy-authorization'] ?? ''}`);
    const target = new URL(req.url!);
    const upstream = httpRequest(target, { method: req.method }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    upstream.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxyUrl = `http://u%40x:p%3Ass@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  proxy.close();
});

const options = { timeout: 5_000, maxBytes: 1024, env: {} };

describe('httpGet', () => {
  it('follows up to 5 redirects, not 6', async () => {
    const ok = await httpGet(`${base}/hop/4`, options);
    expect(ok.status).toBe(200);
    expect(ok.body?.toString()).toBe('1111  a.iso\n');
    await expect(httpGet(`${base}/hop/5`, options)).rejects.toThrow(/more than 5 redirects/);
  });

  it('answers no body beyond maxBytes, and a 404 as it is', async () => {
    const big = await httpGet(`${base}/big`, options);
    expect(big.status).toBe(200);
    expect(big.body).toBeUndefined();
    expect((await httpGet(`${base}/missing`, options)).status).toBe(404);
  });

  it('goes through HTTP_PROXY with its credentials, unless NO_PROXY names the host', async () => {
    const env = { HTTP_PROXY: proxyUrl };
    const res = await httpGet(`${base}/hop/0`, { ...options, env });
    expect(res.body?.toString()).toBe('1111  a.iso\n');
    const auth = `Basic ${Buffer.from('u@x:p:ss').toString('base64')}`;
    expect(proxied).toEqual([`${base}/hop/0 auth=${auth}`, `${base}/file auth=${auth}`]);
    proxied.length = 0;
    await httpGet(`${base}/file`, { ...options, env: { ...env, NO_PROXY: '127.0.0.1' } });
    expect(proxied).toEqual([]);
  });

  it('ends at its timeout', async () => {
    await expect(httpGet(`${base}/slow`, { ...options, timeout: 200 })).rejects.toMatchObject({
      code: 'PROXMOX_TIMEOUT',
    });
  });
});
