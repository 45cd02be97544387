/**
 * The one dispatch of the HTTPS transport, on our HTTP/1.1 pool (http1-pool.ts). Every exchange (an answer collected whole,
 * a streamed download, an upload) is the same skeleton: start the guard (signal, timer),
 * dispatch, hand the answer's head and chunks to a sink, end once. What differs is the
 * sink (src/transports/http/sinks.ts): it keeps the body, or streams it, and may settle the
 * call at the head (a download) or at the end (everything else).
 *
 * Anything a sink throws (an answer over the size limit, a body that cannot be decoded)
 * fails the exchange: the request is aborted and the caller gets the error (an exception
 * escaping into the socket's event handlers would leave the call unsettled).
 */
import type { Readable } from 'node:stream';
import { ConnectionError, ProxmoxError } from '../../core/errors.js';
import { classifyFailure, type TransportResponse } from '../transport.js';
import { DispatchGuard, type GuardOptions } from './dispatch-guard.js';
import type { Http1Handler } from './http1-connection.js';
import type { ResponseHeaders } from './http1-parser.js';
import { connectFailures, type Http1Pool, type RequestControl } from './http1-pool.js';

export type ResponseHead = Omit<TransportResponse, 'body' | 'stream'>;

/** What a sink may do to the exchange while it runs. */
export interface Flow {
  pause(): void;
  resume(): void;
  /** Ends the exchange without an error for the caller (the reader of a stream went away). */
  cancel(error: Error): void;
}

export interface AnswerSink {
  /** The head arrived. A response settles the call now (streams); undefined waits for the end. */
  head(head: ResponseHead, flow: Flow): TransportResponse | undefined;
  data(chunk: Buffer, flow: Flow): void;
  /** The body ended: the response, unless `head` settled already. */
  end(): TransportResponse | undefined;
  /** The exchange failed after the call settled (a stream in flight gets the error). */
  failed?(error: Error): void;
}

export interface ExchangeRequest {
  /** Path and query. */
  path: string;
  method: string;
  headers: Record<string, string>;
  /** A fixed body, or one streamed, built with a callback to report progress (idle timer). */
  body: string | null | ((progress: () => void) => Readable);
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** What ran out, after `METHOD /path: `. */
  timeoutText: string;
  /** The timer restarts on every chunk either way (an idle timeout) instead of running once. */
  idle: boolean;
  /** `whereOf(method, path)`, when the caller has it already. */
  where?: string;
}

/** `METHOD /path`, the start of every message; the query may hold parameters and stays out. */
export function whereOf(method: string, path: string): string {
  const query = path.indexOf('?');
  return `${method} ${query === -1 ? path : path.slice(0, query)}`;
}

/** Node's errors become ConnectionErrors that say where; ours pass as they are. */
export function asProxmoxError(where: string, method: string, error: unknown): ProxmoxError {
  if (error instanceof ProxmoxError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const { sent, certificate } = classifyFailure(error);
  return new ConnectionError(`${where}: ${message}`, {
    cause: error,
    method,
    sent: connectFailures.has(error as Error) ? 'no' : sent,
    certificate,
  });
}

export function exchange(
  pool: Http1Pool,
  req: ExchangeRequest,
  sink: AnswerSink,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    new Exchange(pool, req, sink, resolve, reject).start();
  });
}

/**
 * One exchange: the pool's handler, the sink's flow and the guard's owner in one object, so
 * that a request allocates no closures (and none per chunk) besides its one Promise's.
 */
class Exchange implements Http1Handler, Flow, GuardOptions {
  readonly where: string;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  readonly timeoutText: string;
  readonly #pool: Http1Pool;
  readonly #req: ExchangeRequest;
  readonly #sink: AnswerSink;
  readonly #resolve: (value: TransportResponse) => void;
  readonly #reject: (error: Error) => void;
  readonly #guard: DispatchGuard;
  #settled = false;
  #body: string | null | Readable = null;
  #control: RequestControl | undefined;

  constructor(
    pool: Http1Pool,
    req: ExchangeRequest,
    sink: AnswerSink,
    resolve: (value: TransportResponse) => void,
    reject: (error: Error) => void,
  ) {
    // No `??` on the hot path (the CommonJS build makes it an allocating helper call).
    this.where = req.where !== undefined ? req.where : whereOf(req.method, req.path);
    this.signal = req.signal;
    this.timeoutMs = req.timeoutMs;
    this.timeoutText = req.timeoutText;
    this.#pool = pool;
    this.#req = req;
    this.#sink = sink;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#guard = new DispatchGuard(this);
  }

  start(): void {
    const req = this.#req;
    const guard = this.#guard;
    if (typeof req.body === 'function') {
      // An upload: each chunk read restarts the idle timer; a read error fails the exchange.
      const body = req.body(() => guard.arm());
      body.on('error', (error) => guard.fail(asProxmoxError(this.where, req.method, error)));
      this.#body = body;
    } else this.#body = req.body;
    if (!guard.start()) return;
    try {
      this.#control = this.#pool.dispatch(
        { method: req.method, path: req.path, headers: req.headers, body: this.#body },
        this,
      );
    } catch (error) {
      guard.fail(asProxmoxError(this.where, req.method, error));
      return;
    }
    guard.attach(this.#control);
  }

  #settle(error: Error | undefined, value: TransportResponse | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    if (error !== undefined) this.#reject(error);
    else this.#resolve(value!);
  }

  #closeBody(): void {
    const body = this.#body;
    if (body !== null && typeof body !== 'string' && !body.destroyed) body.destroy();
  }

  /** A sink's exception ends the exchange as a typed error instead of vanishing in a socket handler. */
  #sinkFailed(error: unknown): void {
    this.#guard.fail(
      error instanceof ProxmoxError
        ? error
        : new ProxmoxError(`${this.where}: could not read the answer (${(error as Error).message})`, {
            cause: error,
            method: this.#req.method,
          }),
    );
  }

  // The guard's owner.

  onFail(error: Error): void {
    this.#closeBody();
    if (this.#settled && this.#sink.failed !== undefined) this.#sink.failed(error);
    this.#settle(error, undefined);
  }

  // The sink's flow.

  pause(): void {
    if (this.#control !== undefined) this.#control.pause();
  }

  resume(): void {
    if (this.#control !== undefined) this.#control.resume();
  }

  cancel(): void {
    const guard = this.#guard;
    if (guard.ended) return;
    guard.end();
    this.#closeBody();
    if (this.#control !== undefined) this.#control.abort();
  }

  // The pool's handler.

  onHead(status: number, statusText: string, headers: ResponseHeaders): void {
    if (this.#guard.ended) return;
    try {
      if (this.#req.idle) this.#guard.arm();
      const early = this.#sink.head({ status, statusText, headers }, this);
      if (early !== undefined) this.#settle(undefined, early);
    } catch (error) {
      this.#sinkFailed(error);
    }
  }

  onBody(chunk: Buffer): void {
    if (this.#guard.ended) return;
    try {
      if (this.#req.idle) this.#guard.arm();
      this.#sink.data(chunk, this);
    } catch (error) {
      this.#sinkFailed(error);
    }
  }

  onComplete(): void {
    if (this.#guard.ended) return;
    try {
      const done = this.#sink.end();
      this.#guard.end();
      this.#closeBody();
      if (done !== undefined) this.#settle(undefined, done);
    } catch (error) {
      this.#sinkFailed(error);
    }
  }

  onError(error: Error): void {
    this.#guard.fail(asProxmoxError(this.where, this.#req.method, error));
  }
}
