/**
 * The one dispatch (src/transports/http/dispatch.ts) with its two sinks, on our HTTP/1.1
 * pool (src/transports/http/http1-pool.ts), against a plain HTTP server on 127.0.0.1: streams keep backpressure and bound their error bodies, and an
 * exception inside a sink ends the call as a typed error instead of leaving it unsettled
 * (issue 15.1: the collected-body path used to swallow its decode error).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnswerSink, type ExchangeRequest, exchange } from '../../../src/transports/http/dispatch.js';
import { Http1Pool } from '../../../src/transports/http/http1-pool.js';
import { CollectSink, StreamSink } from '../../../src/transports/http/sinks.js';
import { socketConnector } from '../../../src/transports/http/socket-connector.js';
import type { TransportResponse } from '../../../src/transports/transport.js';

const SIZE = 8 * 1024 * 1024;
let server: Server;
let origin: string;
let pool: Http1Pool;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
      res.end(Buffer.alloc(SIZE, 7));
    } else if (req.url === '/missing') {
      res.writeHead(404, 'no such file', { 'content-type': 'application/json' });
      res.end('{"data":null,"message":"no such file"}');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":"ok"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pool = new Http1Pool(origin, {
    connections: 2,
    connect: socketConnector({ timeout: 5_000 }),
    idleTimeout: 30_000,
  });
});
afterAll(async () => {
  await pool.close();
  await new Promise((resolve) => server.close(resolve));
});

const request = (path: string): ExchangeRequest => ({
  path,
  method: 'GET',
  headers: {},
  body: null,
  signal: undefined,
  timeoutMs: 5_000,
  timeoutText: 'too slow',
  idle: true,
});

describe('exchange', () => {
  it('a stream sink hands over the body with backpressure; error answers are read whole', async () => {
    const res = await exchange(pool, request('/big'), new StreamSink('GET /big', 1024));
    expect(res.status).toBe(200);
    let total = 0;
    for await (const chunk of res.stream!) total += (chunk as Buffer).length;
    // The limit is for collected bodies; a download is as large as it is.
    expect(total).toBe(SIZE);
    const missing = await exchange(pool, request('/missing'), new StreamSink('GET /missing', 1024));
    expect(missing).toMatchObject({
      status: 404,
      statusText: 'no such file',
      body: { message: 'no such file' },
    });
    expect(missing.stream).toBeUndefined();
  });

  it('a collect sink parses JSON and refuses a body over its limit', async () => {
    const ok = await exchange(pool, request('/ok'), new CollectSink('GET /ok', 100));
    expect(ok.body).toEqual({ data: 'ok' });
    await expect(
      exchange(pool, request('/big'), new CollectSink('GET /big', SIZE - 1)),
    ).rejects.toMatchObject({
      code: 'PROXMOX_RESPONSE_TOO_LARGE',
      limitBytes: SIZE - 1,
    });
  });

  it('an exception inside a sink ends the call as a ProxmoxError, at once', async () => {
    const throwing = (where: 'head' | 'data' | 'end'): AnswerSink => {
      const inner = new CollectSink('GET /big', SIZE * 2);
      return {
        head: (h) => (where === 'head' ? boom() : inner.head(h)),
        data: (c) => (where === 'data' ? boom() : inner.data(c)),
        end: (): TransportResponse => (where === 'end' ? boom() : inner.end()),
      };
    };
    for (const where of ['head', 'data', 'end'] as const) {
      const error = await exchange(pool, request('/big'), throwing(where)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PROXMOX_ERROR' });
      expect((error as Error).message).toBe('GET /big: could not read the answer (Invalid string length)');
    }
    // The pool is still usable: the failed exchanges released their connections.
    expect((await exchange(pool, request('/ok'), new CollectSink('GET /ok', 100))).body).toEqual({
      data: 'ok',
    });
  });
});

function boom(): never {
  throw new RangeError('Invalid string length');
}
