/**
 * The HTTP/1.1 connection pool of one origin, which replaced undici's Pool: at most
 * `connections` keep-alive sockets (the option of that name), requests beyond them wait in a
 * FIFO queue, an idle socket is reused (the most recently used first: it is the least likely
 * to have been closed by the server). `close()` ends idle sockets, lets requests on a socket
 * finish and fails those still queued with a typed error.
 *
 * A request that failed on a stale reused socket (see http1-connection.ts) is sent once more,
 * first in line, on a new connection, never on another idle one (which is likely as stale),
 * when its method is idempotent and its body is not a stream.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { ConnectionError } from '../../core/errors.js';
import type { ConnectionOwner, Http1Handler, Sendable } from './http1-connection.js';
import { Http1Connection } from './http1-connection.js';
import { bodyLength, type Http1Request, requestHead } from './http1-request.js';
import type { Connector, ConnectTarget } from './socket-connector.js';

/**
 * Methods a stale-socket failure may send again (RFC 9110 9.2.2; RFC 9112 9.3.1.1 forbids an
 * automatic retry of any other): a server that did a POST's work and then reset the socket
 * before answering looks the same as one that closed it idle, and a POST must not run twice.
 */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Errors of a connection that never opened: no byte of the request was written, whatever the
 * socket's code says (a reset during the TLS handshake is ECONNRESET, which after the head
 * would mean the server may have the request). dispatch.ts reports these as `sent: 'no'`.
 */
export const connectFailures = new WeakSet<Error>();

export interface PoolOptions {
  /** Most sockets open at once. */
  connections: number;
  connect: Connector;
  /** Milliseconds an idle socket is kept (less when the server's Keep-Alive header says so). */
  idleTimeout: number;
}

/** What the caller may do to its request once dispatched. */
export interface RequestControl {
  pause(): void;
  resume(): void;
  /** Ends the request: its socket is closed, its handler hears nothing more. */
  abort(): void;
  readonly aborted: boolean;
}

class PendingRequest implements Sendable, RequestControl {
  readonly method: string;
  readonly head: string;
  readonly body: string | Buffer | Readable | null;
  readonly length: number;
  readonly handler: Http1Handler;
  connection: Http1Connection | null = null;
  aborted = false;
  /** Sent once more after a stale socket: it needs a new connection. */
  replayed = false;
  readonly #pool: Http1Pool;

  constructor(pool: Http1Pool, req: Http1Request, host: string, handler: Http1Handler) {
    this.#pool = pool;
    this.method = req.method;
    this.length = bodyLength(req);
    this.head = requestHead(req, host, this.length);
    this.body = req.body;
    this.handler = handler;
  }

  pause(): void {
    if (this.connection !== null) this.connection.pause(this);
  }

  resume(): void {
    if (this.connection !== null) this.connection.resume(this);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    if (this.connection !== null) this.connection.abort(this);
    else this.#pool.unqueue(this);
  }
}

export class Http1Pool implements ConnectionOwner {
  readonly #target: ConnectTarget;
  readonly #host: string;
  readonly #o: PoolOptions;
  readonly #queue: PendingRequest[] = [];
  readonly #idle: Http1Connection[] = [];
  readonly #all = new Set<Http1Connection>();
  #connecting = 0;
  #closed = false;
  #drained: (() => void) | undefined;

  /** `origin` as `https://host:port` (an IPv6 address in brackets). */
  constructor(origin: string, options: PoolOptions) {
    const url = new URL(origin);
    const secure = url.protocol === 'https:';
    const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    this.#target = {
      protocol: secure ? 'https:' : 'http:',
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port,
    };
    this.#host = url.host;
    this.#o = options;
  }

  /**
   * Sends a request now on an idle socket, or when one is free. Throws an
   * InvalidArgumentError for a request that cannot be written (nothing is sent then).
   */
  dispatch(req: Http1Request, handler: Http1Handler): RequestControl {
    const request = new PendingRequest(this, req, this.#host, handler);
    if (this.#closed) {
      handler.onError(new ConnectionError('the client was closed: the request was not sent', { sent: 'no' }));
      return request;
    }
    const idle = this.#takeIdle();
    if (idle !== undefined && this.#queue.length === 0) idle.send(request);
    else {
      if (idle !== undefined) this.#idle.push(idle);
      this.#queue.push(request);
      this.#drain();
    }
    return request;
  }

  /** Sockets open (busy or idle) and being opened. */
  get size(): number {
    return this.#all.size + this.#connecting;
  }

  /** Ends idle sockets, fails queued requests; resolves when the sockets still busy are closed. */
  close(): Promise<void> {
    this.#closed = true;
    const queued = this.#queue.splice(0);
    for (const request of queued) {
      request.handler.onError(
        new ConnectionError('the client was closed before the request was sent', { sent: 'no' }),
      );
    }
    for (const c of this.#idle.splice(0)) c.destroy();
    if (this.#all.size === 0 && this.#connecting === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }

  unqueue(request: PendingRequest): void {
    const i = this.#queue.indexOf(request);
    if (i !== -1) this.#queue.splice(i, 1);
  }

  released(connection: Http1Connection): void {
    if (this.#closed) {
      connection.destroy();
      return;
    }
    const next = this.#queue[0];
    if (next === undefined) this.#idle.push(connection);
    else if (next.replayed) {
      // A replayed request needs a new socket: this one makes room for it.
      connection.destroy();
    } else {
      this.#queue.shift();
      connection.send(next);
    }
  }

  closed(connection: Http1Connection): void {
    this.#all.delete(connection);
    const i = this.#idle.indexOf(connection);
    if (i !== -1) this.#idle.splice(i, 1);
    if (this.#closed) this.#checkDrained();
    else this.#drain();
  }

  replay(request: Sendable): boolean {
    const pending = request as PendingRequest;
    if (pending.replayed || pending.aborted || this.#closed || !IDEMPOTENT.has(pending.method)) return false;
    const body = pending.body;
    if (body !== null && typeof body !== 'string' && !Buffer.isBuffer(body)) return false;
    pending.replayed = true;
    pending.connection = null;
    this.#queue.unshift(pending);
    // #drain runs when the failed socket's close reaches closed().
    return true;
  }

  /** Serves the queue: idle sockets first (FIFO), then new connections up to the limit. */
  #drain(): void {
    const queue = this.#queue;
    while (queue.length > 0 && !queue[0]!.replayed) {
      const idle = this.#takeIdle();
      if (idle === undefined) break;
      idle.send(queue.shift()!);
    }
    while (queue.length > this.#connecting) {
      if (this.#all.size + this.#connecting >= this.#o.connections) {
        // A replayed request first in line takes the place of an idle socket.
        const idle = queue[0]!.replayed ? this.#idle.pop() : undefined;
        if (idle === undefined) return;
        this.#all.delete(idle);
        idle.destroy();
      }
      this.#open();
    }
  }

  /**
   * The most recently used idle socket that is still open. One destroyed while idle (its idle
   * timer, bytes nobody asked for) stays listed until its close event, a turn of the event
   * loop later: a request given it then was never sent, yet failed as 'the server closed the
   * connection before answering' (a POST is not sent again).
   */
  #takeIdle(): Http1Connection | undefined {
    let idle = this.#idle.pop();
    // biome-ignore lint/complexity/useOptionalChain: per request; no `?.` on the hot path (the CommonJS build may lower it to a helper call)
    while (idle !== undefined && idle.destroyed) idle = this.#idle.pop();
    return idle;
  }

  #open(): void {
    this.#connecting++;
    this.#o.connect(this.#target, (error, socket) => this.#connected(error, socket));
  }

  #connected(error: Error | null, socket: Socket | null): void {
    this.#connecting--;
    if (error !== null || socket === null) {
      // The first request waiting is the one this connection was for.
      const request = this.#queue.length > this.#connecting ? this.#queue.shift() : undefined;
      if (request !== undefined) {
        const failure = error === null ? new Error('no socket') : error;
        connectFailures.add(failure);
        request.handler.onError(failure);
      }
      if (this.#closed) this.#checkDrained();
      else this.#drain();
      return;
    }
    const connection = new Http1Connection(socket, this, this.#o.idleTimeout);
    this.#all.add(connection);
    if (this.#closed) {
      connection.destroy();
      return;
    }
    const next = this.#queue.shift();
    if (next === undefined) {
      // Opened for a request that went elsewhere (aborted, or served by a freed socket).
      connection.idle();
      this.#idle.push(connection);
    } else connection.send(next);
  }

  #checkDrained(): void {
    if (this.#all.size === 0 && this.#connecting === 0 && this.#drained !== undefined) {
      const resolve = this.#drained;
      this.#drained = undefined;
      resolve();
    }
  }
}
