/**
 * Our HTTP/1.1 client (src/transports/http/http1-*.ts) against hostile and broken servers, over
 * real sockets: a raw TCP (or half-TLS) peer on 127.0.0.1 writes the exact bytes of each case
 * (test/fuzz/http1-raw-peer.ts), and the pool is driven as the HTTPS transport drives it. Each
 * case asserts the typed result, a time bound, and that the pool's sockets come back to what
 * they should be (Http1Pool.size); the last one runs failing requests in a child process that
 * must exit by itself (no socket, listener or timer left holding it). The parser's own cases,
 * byte by byte, are in test/transports/http/http1-parser.test.ts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Readable } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';
import { Http1Pool } from '../../src/transports/http/http1-pool.js';
import {
  answer,
  call,
  closePeers,
  connector,
  countingConnector,
  pool,
  rawPeer,
  rejection,
  UPLOAD_BYTES,
  until,
} from './http1-raw-peer.js';

const pools: Http1Pool[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const s of servers.splice(0)) s.close();
  await closePeers();
});

function track(p: Http1Pool): Http1Pool {
  pools.push(p);
  return p;
}

/** A lazily made upload of UPLOAD_BYTES zeros that counts what was read from it. */
function upload(): { make: () => Readable; produced: () => number; destroyed: () => boolean } {
  let produced = 0;
  let stream: Readable | undefined;
  const chunk = Buffer.alloc(64 * 1024);
  return {
    make: () => {
      stream = new Readable({
        read() {
          if (produced >= UPLOAD_BYTES) return void this.push(null);
          produced += chunk.length;
          this.push(chunk);
        },
      });
      return stream;
    },
    produced: () => produced,
    destroyed: () => stream?.destroyed === true,
  };
}

describe('http1 hostile: framing over a socket', () => {
  // Each refused as a ConnectionError at once (the server keeps the socket open: no waiting
  // for a close or the timeout), and the socket is dropped.
  const refused: Array<[string, string, RegExp]> = [
    ['Content-Length: 5, 6', 'HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello', /disagree/],
    ['Content-Length: +5', 'HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello', /not a number/],
    [
      'a 20-digit Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551621\r\n\r\n',
      /not a number/,
    ],
    [
      'a chunk size that overflows 64 bits',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n',
      /hexadecimal/,
    ],
    [
      'Transfer-Encoding: gzip, chunked (compressed bytes would pass as the body)',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      /other than chunked/,
    ],
    [
      'Transfer-Encoding: identity',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nhello',
      /other than chunked/,
    ],
    [
      'a head with bare LF line ends (used to wait for the timeout)',
      'HTTP/1.1 200 OK\nContent-Length: 2\n\nhi',
      /bare LF/,
    ],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n', /folded/],
    ['a CR ending a header value', 'HTTP/1.1 200 OK\r\nX-A: 1\r\r\nContent-Length: 0\r\n\r\n', /control/],
    ['HTTP/2 200', 'HTTP/2 200\r\n\r\n', /status line/],
    ['HTTP/1.1 2000 X', 'HTTP/1.1 2000 X\r\nContent-Length: 0\r\n\r\n', /status line/],
    ['HTTP/1.1 099', 'HTTP/1.1 099 X\r\nContent-Length: 0\r\n\r\n', /below 100/],
    ['nine 1xx heads', 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'.repeat(9), /informational/],
  ];
  for (const [name, bytes, message] of refused) {
    it(name, async () => {
      const peer = await rawPeer((_head, socket) => socket.write(bytes));
      const p = track(pool(peer.origin));
      const started = Date.now();
      const error = await rejection(call(p, '/x', { timeoutMs: 4_000 }));
      expect([error.code, error.message]).toEqual(['PROXMOX_CONNECTION', expect.stringMatching(message)]);
      expect(Date.now() - started).toBeLessThan(2_000);
      await until(() => p.size === 0);
    });
  }

  it('HTTP/1.1 200 without a reason, and Content-Length: 5, 5, are answers', async () => {
    const peer = await rawPeer((head, socket) =>
      socket.write(
        head.startsWith('GET /a')
          ? 'HTTP/1.1 200\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"data":1}'
          : 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10, 10\r\n\r\n{"data":2}',
      ),
    );
    const p = track(pool(peer.origin));
    const a = await call(p, '/a');
    expect([a.status, a.statusText, a.body]).toEqual([200, '', { data: 1 }]);
    expect((await call(p, '/b')).body).toEqual({ data: 2 });
    expect(peer.accepted()).toBe(1);
  });

  const cuts: Array<[string, string, RegExp]> = [
    ['mid-head', 'HTTP/1.1 200 OK\r\nContent-Len', /before answering/],
    ['mid-body', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"da', /middle of the answer/],
    ['mid-chunk', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n{"da', /middle of the answer/],
    [
      'after 0\\r\\n, before the last CRLF',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n',
      /middle/,
    ],
  ];
  for (const [name, bytes, message] of cuts) {
    it(`the server closes ${name}: a ConnectionError, never retried once bytes came`, async () => {
      const peer = await rawPeer((_head, socket) => socket.end(bytes));
      const p = track(pool(peer.origin));
      const error = await rejection(call(p, '/x'));
      expect([error.code, error.message]).toEqual(['PROXMOX_CONNECTION', expect.stringMatching(message)]);
      expect(peer.heads).toHaveLength(1);
      await until(() => p.size === 0);
    });
  }
});

describe('http1 hostile: timing and lifecycle', () => {
  it('an answer before the upload was sent (413, Connection: close): the client stops sending and reports it', async () => {
    // pve-http-server AnyEvent.pm answers an error and closes (keep_alive = 0 for code >= 400).
    const peer = await rawPeer((_head, socket) => {
      socket.end(
        'HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"data":null}',
      );
    });
    const p = track(pool(peer.origin));
    const body = upload();
    const started = Date.now();
    const a = await call(p, '/upload', { method: 'POST', body: body.make });
    expect([a.status, a.statusText]).toEqual([413, 'Request Entity Too Large']);
    expect(Date.now() - started).toBeLessThan(3_000);
    // The source stopped being read: far less than the 64 MiB was produced.
    await until(() => body.destroyed());
    expect(body.produced()).toBeLessThan(UPLOAD_BYTES / 2);
    await until(() => p.size === 0);
  });

  it('an answer while the upload streams, the server still reading (401, keep-alive): not reused, not hung', async () => {
    const peer = await rawPeer((head, socket) => {
      if (head.startsWith('POST'))
        setTimeout(() => socket.write('HTTP/1.1 401 no ticket\r\nContent-Length: 0\r\n\r\n'), 50);
      else socket.write(answer());
    });
    const p = track(pool(peer.origin, 1));
    const body = upload();
    const a = await call(p, '/upload', { method: 'POST', body: body.make });
    expect([a.status, a.statusText]).toEqual([401, 'no ticket']);
    await until(() => body.destroyed());
    expect(body.produced()).toBeLessThan(UPLOAD_BYTES);
    // The half-sent body makes that socket unusable: the next request gets a new one.
    expect((await call(p, '/next')).body).toEqual({ data: 1 });
    expect(peer.accepted()).toBe(2);
  });

  it("pveproxy's 401 to an upload over TLS: answer, close_notify, FIN, then the fd closed unread (RST): the 401 is reported", async () => {
    // pve-http-server AnyEvent.pm: the ticket is checked at the head, before the upload's body
    // is read; the error answer sets keep_alive = 0 ('Connection: close'), then
    // client_do_disconnect runs stoptls and shutdown(fh, 1) and drops the handle, whose close
    // with the body's bytes unread makes the kernel answer the client's next segments with RST.
    const cert = await simulatorCertificate();
    const server = createTlsServer({ key: cert.key, cert: cert.cert }, (socket) => {
      socket.on('error', () => {});
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.removeListener('data', onData);
        socket.pause();
        const body = '{"data":null}';
        socket.end(
          `HTTP/1.1 401 invalid PVE ticket\r\nConnection: close\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
          () => setTimeout(() => socket.destroy(), 20),
        );
      };
      socket.on('data', onData);
    });
    servers.push(server as unknown as Server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const p = track(pool(`https://127.0.0.1:${(server.address() as { port: number }).port}`));
    for (let i = 0; i < 5; i++) {
      const body = upload();
      const a = await call(p, '/api2/json/nodes/pve/storage/local/upload', {
        method: 'POST',
        body: body.make,
      });
      expect([a.status, a.statusText]).toEqual([401, 'invalid PVE ticket']);
      await until(() => body.destroyed());
    }
    await until(() => p.size === 0);
  });

  it('a second, unsolicited answer on an idle keep-alive socket: that socket is dropped, never given to the next request', async () => {
    const peer = await rawPeer((head, socket, n) => {
      const which = head.split(' ')[1];
      socket.write(answer(`{"data":"${which} on ${n}"}`));
      if (which === '/first') setTimeout(() => socket.write(answer('{"data":"unsolicited"}')), 30);
    });
    const p = track(pool(peer.origin));
    expect((await call(p, '/first')).body).toEqual({ data: '/first on 1' });
    await until(() => p.size === 0);
    expect((await call(p, '/second')).body).toEqual({ data: '/second on 2' });
  });

  it('a POST dispatched in the turn in which the idle timer closed the socket goes out on a new one', async () => {
    // The idle timer (20 ms) and the caller's timer (25 ms) both expire while the loop is busy,
    // so they run in one timers phase, before the socket's close event: the pool still listed
    // the destroyed socket as idle and the POST failed, never sent, as "closed before answering".
    const peer = await rawPeer((_head, socket, n) => socket.write(answer(`{"data":${n}}`)));
    const p = track(new Http1Pool(peer.origin, { connections: 4, connect: connector(), idleTimeout: 20 }));
    expect((await call(p, '/a')).body).toEqual({ data: 1 });
    const second = new Promise<unknown>((resolve, reject) => {
      setTimeout(
        () => call(p, '/b', { method: 'POST', body: '{}' }).then((a) => resolve(a.body), reject),
        25,
      );
      const busyUntil = Date.now() + 60;
      while (Date.now() < busyUntil) {}
    });
    expect(await second).toEqual({ data: 2 });
    expect(peer.heads.map((h) => h.split(' ')[0])).toEqual(['GET', 'POST']);
  });

  it('bytes after a complete answer, in the same write: the socket is not reused', async () => {
    const peer = await rawPeer((head, socket, n) => {
      socket.write(answer(`{"data":"${head.split(' ')[1]} on ${n}"}`) + answer('{"data":"smuggled"}'));
    });
    const p = track(pool(peer.origin));
    expect((await call(p, '/a')).body).toEqual({ data: '/a on 1' });
    expect((await call(p, '/b')).body).toEqual({ data: '/b on 2' });
  });

  it('eight 1xx heads before the answer are skipped, dripped a byte at a time', async () => {
    const bytes = Buffer.from(`${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(8)}${answer()}`);
    const peer = await rawPeer((_head, socket) => {
      let i = 0;
      const drip = () => {
        if (socket.destroyed) return;
        socket.write(bytes.subarray(i, i + 7));
        i += 7;
        if (i < bytes.length) setImmediate(drip);
      };
      drip();
    });
    const p = track(pool(peer.origin));
    expect((await call(p, '/x')).body).toEqual({ data: 1 });
  });

  it('Connection: close, then the next request: a new socket', async () => {
    const peer = await rawPeer((_head, socket) =>
      socket.write(answer('{"data":1}', 'Connection: close\r\n')),
    );
    const p = track(pool(peer.origin));
    await call(p, '/a');
    await call(p, '/b');
    expect(peer.accepted()).toBe(2);
    await until(() => p.size === 0);
  });

  it('a server that never answers: TimeoutError, and the one slot is free for the next request', async () => {
    const peer = await rawPeer((head, socket) => {
      if (head.startsWith('GET /good')) socket.write(answer());
    });
    const p = track(pool(peer.origin, 1));
    const started = Date.now();
    const error = await rejection(call(p, '/silent', { timeoutMs: 300 }));
    expect(error.code).toBe('PROXMOX_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await call(p, '/good')).body).toEqual({ data: 1 });
    expect(p.size).toBe(1);
  });

  it('abort while queued, while connecting and mid-body: AbortError, nothing left open', async () => {
    const peer = await rawPeer((head, socket) => {
      if (head.startsWith('GET /slow'))
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"data":');
    });
    const p = track(pool(peer.origin, 1));
    const mid = new AbortController();
    const queued = new AbortController();
    const inFlight = call(p, '/slow', { signal: mid.signal });
    const waiting = call(p, '/never', { signal: queued.signal });
    await until(() => peer.heads.length === 1);
    queued.abort();
    expect((await rejection(waiting)).code).toBe('PROXMOX_ABORTED');
    mid.abort();
    expect((await rejection(inFlight)).code).toBe('PROXMOX_ABORTED');
    await until(() => p.size === 0);
    expect(peer.heads.map((h) => h.split(' ')[1])).toEqual(['/slow']);

    // While connecting: a TLS peer that accepts TCP and never answers the handshake.
    const mute = createServer(() => {});
    servers.push(mute);
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    const tls = track(pool(`https://127.0.0.1:${(mute.address() as { port: number }).port}`, 1));
    const connecting = new AbortController();
    const pending = call(tls, '/x', { signal: connecting.signal });
    await until(() => tls.size === 1);
    connecting.abort();
    expect((await rejection(pending)).code).toBe('PROXMOX_ABORTED');
    // The handshake ends at the connect timeout (2 s): no socket stays behind.
    await until(() => tls.size === 0, 4_000);
  });

  it('a TLS peer that resets during the handshake: a ConnectionError that says nothing was sent', async () => {
    const reset = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    servers.push(reset);
    reset.listen(0, '127.0.0.1');
    await once(reset, 'listening');
    const p = track(pool(`https://127.0.0.1:${(reset.address() as { port: number }).port}`, 2));
    const error = await rejection(call(p, '/x', { method: 'POST', body: '{}' }));
    expect([error.code, error.sent]).toEqual(['PROXMOX_CONNECTION', 'no']);
    await until(() => p.size === 0);
  });

  it('a plain HTTP server on the https port: a ConnectionError that says so (not OpenSSL internals), nothing sent', async () => {
    const plain = createServer((socket) =>
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'),
    );
    servers.push(plain);
    plain.listen(0, '127.0.0.1');
    await once(plain, 'listening');
    const port = (plain.address() as { port: number }).port;
    const p = track(pool(`https://127.0.0.1:${port}`, 2));
    const error = await rejection(call(p, '/x', { method: 'POST', body: '{}' }));
    expect([error.code, error.sent, error.message]).toEqual([
      'PROXMOX_CONNECTION',
      'no',
      `POST /x: 127.0.0.1:${port} did not answer in TLS: is it a plain HTTP server? (the URL says https)`,
    ]);
    await until(() => p.size === 0);
  });

  it('40 concurrent requests that all fail: never more than `connections` sockets, each failure typed', async () => {
    const peer = await rawPeer((head, socket) => {
      if (head.includes('/reset')) setTimeout(() => socket.resetAndDestroy(), 5);
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"d');
    });
    const counted = countingConnector();
    const p = track(pool(peer.origin, 3, counted.connect));
    const calls = Array.from({ length: 40 }, (_, i) => rejection(call(p, i % 2 === 0 ? '/reset' : '/cut')));
    const errors = await Promise.all(calls);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['PROXMOX_CONNECTION']));
    expect(counted.most()).toBe(3);
    // Each GET was sent once: a failure on a fresh socket is not a stale one, not retried.
    expect(peer.heads).toHaveLength(40);
    await until(() => p.size === 0);
  });
});

describe('http1 hostile: resources', () => {
  it('a body that never ends, without a length: memory stops at the limit, the socket is dropped', async () => {
    let written = 0;
    const peer = await rawPeer((_head, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"data":"');
      const block = Buffer.alloc(64 * 1024, 0x78);
      const flood = () => {
        while (!socket.destroyed && socket.write(block)) written += block.length;
        if (!socket.destroyed) socket.once('drain', flood);
      };
      flood();
    });
    const p = track(pool(peer.origin));
    const error = await rejection(call(p, '/flood', { limit: 1024 * 1024 }));
    expect(error.code).toBe('PROXMOX_RESPONSE_TOO_LARGE');
    await until(() => p.size === 0);
    // What the kernel's buffers took beyond the limit, not an unbounded read.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('a process whose requests failed (timeout, reset, malformed, abort) or left a keep-alive socket exits by itself', async () => {
    const peer = await rawPeer((head, socket) => {
      const path = head.split(' ')[1];
      if (path === '/reset') socket.resetAndDestroy();
      else if (path === '/bad') socket.write('HTTP/1.1 200 OK\nbare: lf\n\n');
      else if (path === '/slow') socket.write('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{"d');
      else if (path === '/ok') socket.write(answer());
      // /silent: never answered.
    });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./http1-exit-child.ts', import.meta.url).pathname, peer.origin],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code] = await once(child, 'exit');
    clearTimeout(killer);
    expect(out.trim().split('\n')).toEqual([
      '/silent PROXMOX_TIMEOUT',
      '/reset PROXMOX_CONNECTION',
      '/bad PROXMOX_CONNECTION',
      '/slow PROXMOX_ABORTED',
      '/ok 200',
      'done',
    ]);
    expect(code).toBe(0);
  }, 30_000);
});
