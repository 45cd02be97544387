/**
 * The peer of test/fuzz/http1-hostile.test.ts: a raw TCP server on 127.0.0.1 that reads
 * request heads (skipping a Content-Length body) and lets each case write the exact bytes a
 * broken or hostile server would; and the client side, our pool driven as the HTTPS
 * transport drives it (exchange() with a CollectSink: the same timer, abort and size limit).
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { exchange } from '../../src/transports/http/dispatch.js';
import { Http1Pool } from '../../src/transports/http/http1-pool.js';
import { CollectSink } from '../../src/transports/http/sinks.js';
import { type Connector, socketConnector } from '../../src/transports/http/socket-connector.js';
import type { TransportResponse } from '../../src/transports/transport.js';

/** Called for each request head a socket carries; `n` counts sockets from 1. */
export type OnHead = (head: string, socket: Socket, n: number) => void;

export interface RawPeer {
  origin: string;
  port: number;
  /** Sockets accepted so far. */
  accepted(): number;
  /** Request heads read, in order. */
  heads: string[];
  /** Body bytes received after heads (an upload's, however far it got). */
  bodyBytes(): number;
  close(): Promise<void>;
}

const peers: RawPeer[] = [];

export async function rawPeer(onHead: OnHead): Promise<RawPeer> {
  const heads: string[] = [];
  const open = new Set<Socket>();
  let accepted = 0;
  let bodyBytes = 0;
  const server: Server = createServer((socket) => {
    const n = ++accepted;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    let buf: Buffer = Buffer.alloc(0);
    let skip = 0;
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        if (skip > 0) {
          const take = Math.min(skip, buf.length);
          skip -= take;
          bodyBytes += take;
          buf = buf.subarray(take);
          if (skip > 0) return;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.toString('latin1', 0, end);
        buf = buf.subarray(end + 4);
        const length = /\r\ncontent-length: (\d+)/i.exec(head);
        skip = length === null ? 0 : Number(length[1]);
        heads.push(head);
        onHead(head, socket, n);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const peer: RawPeer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    accepted: () => accepted,
    heads,
    bodyBytes: () => bodyBytes,
    close: async () => {
      for (const s of open) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  peers.push(peer);
  return peer;
}

/** Closes every peer made so far (afterEach). */
export async function closePeers(): Promise<void> {
  await Promise.all(peers.splice(0).map((p) => p.close()));
}

export function pool(origin: string, connections = 4, connect = connector()): Http1Pool {
  return new Http1Pool(origin, { connections, connect, idleTimeout: 30_000 });
}

export function connector(): Connector {
  return socketConnector({ timeout: 2_000, tls: { rejectUnauthorized: false } });
}

/**
 * A connector that counts the client's sockets being opened or open and not yet destroyed
 * (the server's count lags: it sees a close a trip later), and the most at one time.
 */
export function countingConnector(): { connect: Connector; most: () => number } {
  const base = connector();
  const live = new Set<object>();
  let most = 0;
  const connect: Connector = (target, callback) => {
    const attempt = {};
    live.add(attempt);
    let alive = 0;
    for (const s of live) if (!('destroyed' in s) || !s.destroyed) alive++;
    most = Math.max(most, alive);
    base(target, (error, socket) => {
      live.delete(attempt);
      if (socket !== null) live.add(socket);
      callback(error, socket);
    });
  };
  return { connect, most: () => most };
}

export interface CallOptions {
  method?: string;
  body?: string | null | (() => Readable);
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  limit?: number;
}

/** One request as the HTTPS transport makes it; `path` is sent as given. */
export function call(p: Http1Pool, path: string, o: CallOptions = {}): Promise<TransportResponse> {
  const method = o.method ?? 'GET';
  const body = o.body;
  return exchange(
    p,
    {
      method,
      path,
      headers: typeof body === 'function' ? { 'content-length': String(UPLOAD_BYTES) } : {},
      body: typeof body === 'function' ? () => body() : (body ?? null),
      signal: o.signal,
      timeoutMs: o.timeoutMs ?? 5_000,
      timeoutText: 'no answer in time',
      idle: typeof body === 'function',
    },
    new CollectSink(`${method} ${path}`, o.limit ?? 1024 * 1024),
  );
}

/** The size every streamed upload of call() announces. */
export const UPLOAD_BYTES = 64 * 1024 * 1024;

/** The error a promise rejects with (it must reject). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; sent?: string }> {
  try {
    await p;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('resolved instead of failing');
}

/** Waits until `check` holds (a socket's close event comes a turn after its destroy). */
export async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const answer = (body = '{"data":1}', extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
