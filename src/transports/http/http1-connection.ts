/**
 * One keep-alive socket of the HTTP/1.1 pool (http1-pool.ts), carrying one request at a time
 * (no pipelining): it writes the head and the body (a Readable is streamed with
 * backpressure, with its Content-Length or chunked), feeds the answer to the parser
 * (http1-parser.ts) and hands head, body and end to the request's handler. Pausing the
 * request pauses the socket (a slow download reader slows the server down).
 *
 * After a complete answer the socket goes back to the pool unless the answer said
 * `Connection: close` (or was HTTP/1.0 without keep-alive), ran until the close, came before
 * the body was sent, or the server sent bytes nobody asked for. A request that fails on a
 * reused socket before any byte of its answer (the server closed the idle connection just
 * as it was sent) goes back to the pool to be sent once more on a new connection, when its
 * method is idempotent and its body can be sent again (http1-pool.ts decides).
 *
 * Hot path: the socket's listeners and the parser's handler are bound once per connection;
 * nothing is allocated per chunk but the parser's views.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { ConnectionError } from '../../core/errors.js';
import { type ResponseHandler, type ResponseHeaders, ResponseParser } from './http1-parser.js';
import { socketFailures } from './socket-connector.js';

/** What the pool's caller gets for one request (see dispatch.ts). */
export interface Http1Handler {
  onHead(status: number, reason: string, headers: ResponseHeaders): void;
  onBody(chunk: Buffer): void;
  onComplete(): void;
  onError(error: Error): void;
}

/** What the connection needs of a request in flight; the pool's PendingRequest. */
export interface Sendable {
  readonly method: string;
  /** The head as written, built when the request was dispatched. */
  readonly head: string;
  readonly body: string | Buffer | Readable | null;
  /** The body's length as announced, or -1 for chunked. */
  readonly length: number;
  readonly handler: Http1Handler;
  connection: Http1Connection | null;
}

/** What the pool does when a connection is free, gone, or hands a request back. */
export interface ConnectionOwner {
  released(connection: Http1Connection): void;
  closed(connection: Http1Connection): void;
  /** The request failed on a stale socket before any answer: send it again on a new connection. */
  replay(request: Sendable): boolean;
}

const CRLF = Buffer.from('\r\n');

/** Idle milliseconds a server's `Keep-Alive: timeout=N` leaves, minus this margin for the trip. */
const KEEP_ALIVE_MARGIN = 1_000;

export class Http1Connection implements ResponseHandler {
  readonly #socket: Socket;
  readonly #owner: ConnectionOwner;
  readonly #parser: ResponseParser;
  #current: Sendable | null = null;
  /** Whether this socket answered a request before (a failure then may be a stale socket). */
  #reused = false;
  /** The answer ended within the chunk being parsed: the socket is released after it. */
  #completed = false;
  #bodySent = true;
  #destroyed = false;
  #gone = false;
  /** Milliseconds an idle socket is kept: the pool's, or less when the server says so. */
  #idleMs: number;
  #idleTimer: NodeJS.Timeout | undefined;
  #idleSince = 0;
  readonly #onData = (chunk: Buffer) => this.#data(chunk);
  readonly #onEnd = () => this.#lost(null);
  readonly #onError = (error: Error) => this.#lost(error);
  readonly #onClose = () => this.#lost(null);
  readonly #onIdleTimer = () => this.#idleCheck();

  constructor(socket: Socket, owner: ConnectionOwner, idleMs: number) {
    this.#socket = socket;
    this.#owner = owner;
    this.#idleMs = idleMs;
    this.#parser = new ResponseParser(this);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  get busy(): boolean {
    return this.#current !== null;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Sends a request; the connection must be idle. */
  send(request: Sendable): void {
    this.#current = request;
    request.connection = this;
    this.#completed = false;
    this.#parser.expect(request.method);
    this.#socket.ref();
    const body = request.body;
    // The head is written as latin1 (one byte per character, as undici did): cheaper than UTF-8.
    if (body === null) {
      this.#bodySent = true;
      this.#socket.write(request.head, 'latin1');
    } else if (typeof body === 'string') {
      this.#bodySent = true;
      this.#socket.write(request.head + body);
    } else if (Buffer.isBuffer(body)) {
      this.#bodySent = true;
      this.#socket.cork();
      this.#socket.write(request.head);
      this.#socket.write(body);
      this.#socket.uncork();
    } else {
      this.#bodySent = false;
      this.#socket.write(request.head);
      this.#stream(request, body);
    }
  }

  /** Streams a body with backpressure: the source pauses while the socket's buffer is full. */
  #stream(request: Sendable, body: Readable): void {
    const socket = this.#socket;
    const chunked = request.length === -1;
    let sent = 0;
    const onDrain = () => body.resume();
    const stop = () => {
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      socket.removeListener('drain', onDrain);
    };
    const onData = (chunk: Buffer | string) => {
      if (this.#current !== request) return stop();
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (bytes.length === 0) return;
      sent += bytes.length;
      if (!chunked && sent > request.length) {
        stop();
        return this.fail(
          new ConnectionError('the upload is longer than its Content-Length', { sent: 'maybe' }),
        );
      }
      // All three parts of a chunk are written whatever the first says: the buffer takes them,
      // and the last answer tells whether to wait for 'drain'.
      if (chunked) {
        socket.write(`${bytes.length.toString(16)}\r\n`, 'latin1');
        socket.write(bytes);
      }
      if (!socket.write(chunked ? CRLF : bytes)) body.pause();
    };
    const onEnd = () => {
      stop();
      if (this.#current !== request) return;
      if (!chunked && sent !== request.length) {
        return this.fail(
          new ConnectionError('the upload is shorter than its Content-Length', { sent: 'maybe' }),
        );
      }
      if (chunked) socket.write('0\r\n\r\n');
      this.#bodySent = true;
    };
    body.on('data', onData);
    body.once('end', onEnd);
    socket.on('drain', onDrain);
  }

  /** For the request in flight: stop reading the socket (backpressure). */
  pause(request: Sendable): void {
    if (this.#current === request) this.#socket.pause();
  }

  resume(request: Sendable): void {
    if (this.#current === request) this.#socket.resume();
  }

  /** Fails the request in flight (its handler is told) and drops the socket. */
  fail(error: Error): void {
    const request = this.#current;
    this.#current = null;
    this.destroy();
    if (request !== null) request.handler.onError(error);
  }

  /** Drops the request in flight without telling its handler (the caller aborted it). */
  abort(request: Sendable): void {
    if (this.#current !== request) return;
    this.#current = null;
    this.#parser.stop();
    this.destroy();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearTimeout(this.#idleTimer);
    this.#socket.destroy();
  }

  // The parser's handler.

  onHead(status: number, reason: string, headers: ResponseHeaders): void {
    const hint = headers['keep-alive'];
    if (typeof hint === 'string') this.#keepAliveHint(hint);
    this.#current!.handler.onHead(status, reason, headers);
  }

  onBody(chunk: Buffer): void {
    this.#current!.handler.onBody(chunk);
  }

  onComplete(): void {
    this.#completed = true;
    this.#current!.handler.onComplete();
  }

  #data(chunk: Buffer): void {
    if (this.#current === null) {
      // Bytes while idle: nothing asked for them, and the next answer could not be trusted.
      this.destroy();
      return;
    }
    let used: number;
    try {
      used = this.#parser.execute(chunk);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (this.#completed) this.#finish(used === chunk.length);
  }

  /** The answer is complete: the socket goes back to the pool, or is closed. */
  #finish(clean: boolean): void {
    this.#completed = false;
    this.#current = null;
    this.#reused = true;
    if (!clean || !this.#parser.keepAlive || !this.#bodySent || this.#destroyed) {
      this.destroy();
      return;
    }
    // The reader may have paused on the last chunk: the next answer must flow.
    if (this.#socket.isPaused()) this.#socket.resume();
    this.idle();
    this.#owner.released(this);
  }

  /** Starts the idle clock: the socket does not hold the process open and closes after idleMs. */
  idle(): void {
    this.#socket.unref();
    this.#idleSince = performance.now();
    if (this.#idleTimer === undefined) this.#idleTimer = setTimeout(this.#onIdleTimer, this.#idleMs).unref();
    else this.#idleTimer.refresh();
  }

  /** `Keep-Alive: timeout=N, max=M`: the server closes an idle socket after N seconds. */
  #keepAliveHint(value: string): void {
    const match = /(?:^|[,\s])timeout\s*=\s*(\d+)/i.exec(value);
    if (match === null) return;
    const ms = Number(match[1]) * 1000 - KEEP_ALIVE_MARGIN;
    if (ms >= this.#idleMs) return;
    if (ms <= 0) {
      // No time to reuse it safely.
      this.#parser.keepAlive = false;
      return;
    }
    this.#idleMs = ms;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #idleCheck(): void {
    if (this.#current !== null || this.#destroyed) return;
    const left = this.#idleMs - (performance.now() - this.#idleSince);
    if (left > 5) {
      this.#idleTimer = setTimeout(this.#onIdleTimer, left).unref();
      return;
    }
    this.destroy();
  }

  /** The socket ended, failed or closed. */
  #lost(error: Error | null): void {
    const request = this.#current;
    if (request !== null) {
      const explained = socketFailures.get(this.#socket);
      let failure = explained === undefined ? error : explained;
      if (failure === null) {
        try {
          // A body that runs until the close ends here.
          this.#parser.finish();
        } catch (cut) {
          failure = cut as Error;
        }
        if (this.#completed) {
          this.#completed = false;
          this.#current = null;
        }
      }
      if (failure !== null && this.#current === request) {
        this.#current = null;
        const stale = this.#reused && !this.#parser.received;
        if (!(stale && this.#owner.replay(request))) request.handler.onError(failure);
      }
    }
    if (!this.#destroyed) this.destroy();
    if (this.#gone) return;
    this.#gone = true;
    this.#owner.closed(this);
  }
}
