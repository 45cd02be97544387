/**
 * Our HTTP/1.1 pool (src/transports/http/http1-pool.ts, http1-connection.ts) against raw TCP
 * servers on 127.0.0.1 that answer exactly the bytes each case needs: keep-alive reuse,
 * Connection: close, the server's Keep-Alive timeout, the stale-socket retry (once, and
 * never for a streamed body), the FIFO queue beyond `connections`, close(), uploads with
 * backpressure, chunked bodies, pause and abort.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Http1Handler } from '../../../src/transports/http/http1-connection.js';
import type { ResponseHeaders } from '../../../src/transports/http/http1-parser.js';
import { Http1Pool, type PoolOptions } from '../../../src/transports/http/http1-pool.js';
import type { Http1Request } from '../../../src/transports/http/http1-request.js';
import { socketConnector } from '../../../src/transports/http/socket-connector.js';

interface Answer {
  status: number;
  reason: string;
  headers: ResponseHeaders;
  body: string;
}

/** One request as the server read it: head and body. */
interface Seen {
  head: string;
  body: string;
  socket: number;
}

type Reply = (seen: Seen, socket: Socket) => void;

const servers: Server[] = [];
const pools: Http1Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const s of servers.splice(0)) s.close();
});

/** A server that parses requests (Content-Length or chunked bodies) and lets `reply` answer. */
async function server(reply: Reply): Promise<{ origin: string; seen: Seen[]; sockets: () => number }> {
  const seen: Seen[] = [];
  let sockets = 0;
  const s = createServer((socket) => {
    const id = ++sockets;
    let buf = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        let rest = buf.subarray(end + 4);
        let body: string;
        const length = /content-length: (\d+)/i.exec(head);
        if (/transfer-encoding: chunked/i.test(head)) {
          const last = rest.indexOf('0\r\n\r\n');
          if (last === -1) return;
          body = decodeChunked(rest.subarray(0, last + 5).toString('latin1'));
          rest = rest.subarray(last + 5);
        } else {
          const n = length === null ? 0 : Number(length[1]);
          if (rest.length < n) return;
          body = rest.subarray(0, n).toString('utf8');
          rest = rest.subarray(n);
        }
        buf = rest;
        const entry = { head, body, socket: id };
        seen.push(entry);
        reply(entry, socket);
      }
    });
  });
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  return { origin: `http://127.0.0.1:${port}`, seen, sockets: () => sockets };
}

function decodeChunked(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', i);
    const size = Number.parseInt(text.slice(i, lineEnd), 16);
    if (size === 0) return out;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    i = lineEnd + 2 + size + 2;
  }
}

const ok = (body = '{"data":1}', extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

function pool(origin: string, options: Partial<PoolOptions> = {}): Http1Pool {
  const p = new Http1Pool(origin, {
    connections: 4,
    connect: socketConnector({ timeout: 2_000 }),
    idleTimeout: 30_000,
    ...options,
  });
  pools.push(p);
  return p;
}

function send(p: Http1Pool, req: Partial<Http1Request> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const answer: Answer = { status: 0, reason: '', headers: {}, body: '' };
    const chunks: Buffer[] = [];
    const handler: Http1Handler = {
      onHead(status, reason, headers) {
        Object.assign(answer, { status, reason, headers });
      },
      onBody: (chunk) => chunks.push(Buffer.from(chunk)),
      onComplete() {
        answer.body = Buffer.concat(chunks).toString('utf8');
        resolve(answer);
      },
      onError: reject,
    };
    p.dispatch({ method: 'GET', path: '/x', headers: {}, body: null, ...req }, handler);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Http1Pool: keep-alive', () => {
  it('reuses one socket for answers in turn, and writes a well-formed head', async () => {
    const srv = await server((_, s) => s.write(ok()));
    const p = pool(srv.origin);
    for (let i = 0; i < 5; i++)
      expect((await send(p, { headers: { accept: 'application/json' } })).body).toBe('{"data":1}');
    expect(srv.sockets()).toBe(1);
    expect(srv.seen[0]!.head).toBe(
      `GET /x HTTP/1.1\r\naccept: application/json\r\nhost: ${srv.origin.slice(7)}`,
    );
  });

  it('Connection: close, and HTTP/1.0 without keep-alive, are not reused', async () => {
    const replies = [
      ok('a', 'Connection: close\r\n'),
      'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb',
      ok('c'),
    ];
    let n = 0;
    const srv = await server((_, s) => s.write(replies[n++]!));
    const p = pool(srv.origin);
    expect((await send(p)).body).toBe('a');
    expect((await send(p)).body).toBe('b');
    expect((await send(p)).body).toBe('c');
    expect(srv.sockets()).toBe(3);
  });

  it("honours the server's Keep-Alive timeout minus a margin: an idle socket past it is not reused", async () => {
    // timeout=2 leaves 1 s of idle time.
    const srv = await server((_, s) => s.write(ok('k', 'Keep-Alive: timeout=2\r\n')));
    const p = pool(srv.origin);
    await send(p);
    await sleep(300);
    await send(p);
    expect(srv.sockets()).toBe(1);
    await sleep(1_300);
    await send(p);
    expect(srv.sockets()).toBe(2);
  });

  it('a socket opened for a request aborted meanwhile is idle, and closed after idleTimeout too', async () => {
    const srv = await server((_, s) => s.write(ok()));
    const p = pool(srv.origin, { idleTimeout: 200 });
    const control = p.dispatch(
      { method: 'GET', path: '/x', headers: {}, body: null },
      { onHead() {}, onBody() {}, onComplete() {}, onError() {} },
    );
    control.abort();
    await sleep(100);
    expect(srv.sockets()).toBe(1);
    expect(p.size).toBe(1);
    await sleep(300);
    expect(p.size).toBe(0);
    expect(srv.seen).toHaveLength(0);
  });

  it('an idle socket is closed after idleTimeout', async () => {
    const srv = await server((_, s) => s.write(ok()));
    const p = pool(srv.origin, { idleTimeout: 200 });
    await send(p);
    expect(p.size).toBe(1);
    await sleep(400);
    expect(p.size).toBe(0);
  });
});

describe('Http1Pool: a stale reused socket', () => {
  /** Answers the first request, then closes that socket as soon as the next one arrives on it. */
  async function closingServer(how: 'end' | 'reset') {
    return server((seen, s) => {
      if (seen.socket === 1 && seen.head.startsWith('GET /first')) s.write(ok('first'));
      else if (seen.socket === 1) how === 'end' ? s.end() : s.resetAndDestroy();
      else s.write(ok(`fresh ${seen.body}`));
    });
  }

  for (const how of ['end', 'reset'] as const) {
    it(`is retried once on a new connection when idempotent with a body that can be sent again (${how})`, async () => {
      const srv = await closingServer(how);
      const p = pool(srv.origin);
      await send(p, { path: '/first' });
      const answer = await send(p, { method: 'PUT', path: '/second', body: 'payload' });
      expect(answer.body).toBe('fresh payload');
      expect(srv.seen.map((s) => [s.socket, s.head.split(' ')[1]])).toEqual([
        [1, '/first'],
        [1, '/second'],
        [2, '/second'],
      ]);
    });
  }

  it('is not retried for a POST: the server may have done its work before the reset (RFC 9112 9.3.1.1)', async () => {
    const srv = await closingServer('reset');
    const p = pool(srv.origin);
    await send(p, { path: '/first' });
    await expect(send(p, { method: 'POST', body: 'once' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(srv.seen).toHaveLength(2);
  });

  it('is not retried for a streamed body (it cannot be sent twice)', async () => {
    const srv = await closingServer('end');
    const p = pool(srv.origin);
    await send(p, { path: '/first' });
    await expect(send(p, { method: 'PUT', body: Readable.from([Buffer.from('once')]) })).rejects.toThrow(
      /closed the connection before answering/,
    );
    expect(srv.seen).toHaveLength(2);
  });

  it('is retried exactly once: a second failure is the answer', async () => {
    const srv = await server((seen, s) => {
      if (seen.head.startsWith('GET /first')) s.write(ok('first'));
      else s.end();
    });
    const p = pool(srv.origin);
    await send(p, { path: '/first' });
    await expect(send(p)).rejects.toThrow(/closed the connection before answering/);
    expect(srv.seen).toHaveLength(3);
  });

  it('a failure after part of the answer arrived is never retried', async () => {
    const srv = await server((seen, s) => {
      if (seen.head.startsWith('GET /first')) s.write(ok('first'));
      else s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    });
    const p = pool(srv.origin);
    await send(p, { path: '/first' });
    await expect(send(p)).rejects.toThrow(/middle of the answer/);
    expect(srv.seen).toHaveLength(2);
  });
});

describe('Http1Pool: the queue and close()', () => {
  it('at most `connections` sockets; the others wait their turn in order', async () => {
    const held: Socket[] = [];
    const srv = await server((_, s) => held.push(s));
    const p = pool(srv.origin, { connections: 2 });
    const order: number[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => send(p, { path: `/${i}` }).then(() => order.push(i)));
    await sleep(100);
    expect(srv.sockets()).toBe(2);
    expect(srv.seen.map((s) => s.head.split(' ')[1])).toEqual(['/0', '/1']);
    // Answer one at a time on the first socket: the queue is served first in, first out.
    while (order.length < 5) {
      const s = held.shift();
      if (s === undefined) {
        await sleep(10);
        continue;
      }
      s.write(ok());
      await sleep(20);
    }
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(srv.sockets()).toBe(2);
  });

  it('close() fails the queued requests with a typed error and lets the one in flight finish', async () => {
    const held: Socket[] = [];
    const srv = await server((_, s) => held.push(s));
    const p = pool(srv.origin, { connections: 1 });
    const inFlight = send(p, { path: '/a' });
    const queued = send(p, { path: '/b' });
    await sleep(50);
    const closing = p.close();
    await expect(queued).rejects.toMatchObject({ code: 'PROXMOX_CONNECTION', sent: 'no' });
    held[0]!.write(ok('done'));
    expect((await inFlight).body).toBe('done');
    await closing;
    expect(p.size).toBe(0);
    await expect(send(p)).rejects.toMatchObject({ code: 'PROXMOX_CONNECTION', sent: 'no' });
  });

  it('an aborted queued request is never sent', async () => {
    const held: Socket[] = [];
    const srv = await server((_, s) => held.push(s));
    const p = pool(srv.origin, { connections: 1 });
    const first = send(p, { path: '/a' });
    const control = p.dispatch(
      { method: 'GET', path: '/never', headers: {}, body: null },
      { onHead() {}, onBody() {}, onComplete() {}, onError() {} },
    );
    control.abort();
    await sleep(50);
    held[0]!.write(ok());
    await first;
    await sleep(50);
    expect(srv.seen.map((s) => s.head.split(' ')[1])).toEqual(['/a']);
  });
});

describe('Http1Pool: bodies', () => {
  it('uploads a stream with its Content-Length, or chunked without one', async () => {
    const srv = await server((seen, s) => s.write(ok(seen.body)));
    const p = pool(srv.origin);
    const parts = () => Readable.from([Buffer.from('hello '), Buffer.from('world')]);
    const sized = await send(p, { method: 'POST', headers: { 'content-length': '11' }, body: parts() });
    expect(sized.body).toBe('hello world');
    expect(srv.seen[0]!.head).toMatch(/content-length: 11/);
    const chunked = await send(p, { method: 'POST', body: parts() });
    expect(chunked.body).toBe('hello world');
    expect(srv.seen[1]!.head).toMatch(/transfer-encoding: chunked/);
    // An empty POST says Content-Length 0.
    await send(p, { method: 'POST' });
    expect(srv.seen[2]!.head).toMatch(/content-length: 0/);
  });

  it('a large upload keeps its bytes through backpressure, chunked or with its length', async () => {
    const srv = await server((seen, s) => s.write(ok(String(seen.body.length))));
    const p = pool(srv.origin);
    const block = Buffer.alloc(256 * 1024, 'u');
    const parts = () => Readable.from(Array.from({ length: 32 }, () => block));
    const size = String(32 * block.length);
    expect((await send(p, { method: 'POST', body: parts() })).body).toBe(size);
    expect((await send(p, { method: 'POST', headers: { 'content-length': size }, body: parts() })).body).toBe(
      size,
    );
    expect(srv.seen.map((s) => s.body === 'u'.repeat(32 * block.length))).toEqual([true, true]);
  });

  it('refuses a head that could be split, naming the header but not its value', async () => {
    const srv = await server((_, s) => s.write(ok()));
    const p = pool(srv.origin);
    expect(() =>
      p.dispatch(
        { method: 'GET', path: '/x', headers: { Cookie: 'PVEAuthCookie=SECRET\r\nX-Evil: 1' }, body: null },
        { onHead() {}, onBody() {}, onComplete() {}, onError() {} },
      ),
    ).toThrow(/request header Cookie: the value holds CR, LF or NUL/);
    expect(() =>
      p.dispatch(
        { method: 'GET', path: '/x y', headers: {}, body: null },
        { onHead() {}, onBody() {}, onComplete() {}, onError() {} },
      ),
    ).toThrow(/request path/);
    expect(srv.seen).toHaveLength(0);
  });

  it('an upload longer than its Content-Length fails and the socket is dropped', async () => {
    const srv = await server(() => {});
    const p = pool(srv.origin);
    await expect(
      send(p, {
        method: 'POST',
        headers: { 'content-length': '3' },
        body: Readable.from([Buffer.from('toolong')]),
      }),
    ).rejects.toThrow(/longer than its Content-Length/);
  });

  it('pause() stops reading the socket until resume()', async () => {
    const size = 4 * 1024 * 1024;
    const srv = await server((_, s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
      s.write(Buffer.alloc(size, 1));
    });
    const p = pool(srv.origin);
    let received = 0;
    let control: ReturnType<Http1Pool['dispatch']> | undefined;
    const done = new Promise<void>((resolve, reject) => {
      control = p.dispatch(
        { method: 'GET', path: '/big', headers: {}, body: null },
        {
          onHead() {},
          onBody(chunk) {
            received += chunk.length;
            control!.pause();
          },
          onComplete: resolve,
          onError: reject,
        },
      );
    });
    await sleep(100);
    const paused = received;
    expect(paused).toBeLessThan(size);
    await sleep(100);
    expect(received).toBe(paused);
    const timer = setInterval(() => control!.resume(), 1);
    await done;
    clearInterval(timer);
    expect(received).toBe(size);
  });

  it('a chunked answer with trailers is read whole and the socket reused', async () => {
    const srv = await server((_, s) =>
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nX-T: 1\r\n\r\n'),
    );
    const p = pool(srv.origin);
    expect((await send(p)).body).toBe('abc');
    expect((await send(p)).body).toBe('abc');
    expect(srv.sockets()).toBe(1);
  });

  it('a refused connection fails the request with the socket error', async () => {
    const srv = await server(() => {});
    const port = Number(new URL(srv.origin).port);
    servers.pop()!.close();
    await sleep(20);
    const p = pool(`http://127.0.0.1:${port}`);
    await expect(send(p)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
