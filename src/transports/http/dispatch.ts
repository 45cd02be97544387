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
import { DispatchGuard } from './dispatch-guard.js';
import type { Http1Handler } from './http1-connection.js';
import type { Http1Pool, RequestControl } from './http1-pool.js';

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
  return new ConnectionError(`${where}: ${message}`, { cause: error, method, ...classifyFailure(error) });
}

export function exchange(
  pool: Http1Pool,
  req: ExchangeRequest,
  sink: AnswerSink,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    // No `??` on the hot path (the CommonJS build makes it an allocating helper call).
    const where = req.where !== undefined ? req.where : whereOf(req.method, req.path);
    let settled = false;
    const settle = (error: Error | undefined, value?: TransportResponse) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(value!);
    };
    let body: string | null | Readable = null;
    const closeBody = () => {
      if (body !== null && typeof body !== 'string' && !body.destroyed) body.destroy();
    };
    const guard = new DispatchGuard({
      where,
      signal: req.signal,
      timeoutMs: req.timeoutMs,
      timeoutText: req.timeoutText,
      onFail: (error) => {
        closeBody();
        if (settled && sink.failed !== undefined) sink.failed(error);
        settle(error);
      },
    });
    body = typeof req.body === 'function' ? req.body(() => guard.arm()) : req.body;
    if (body !== null && typeof body !== 'string') {
      body.on('error', (error) => guard.fail(asProxmoxError(where, req.method, error)));
    }
    if (!guard.start()) return;

    let control: RequestControl | undefined;
    const flow: Flow = {
      pause: () => {
        if (control !== undefined) control.pause();
      },
      resume: () => {
        if (control !== undefined) control.resume();
      },
      cancel: () => {
        if (guard.ended) return;
        guard.end();
        closeBody();
        if (control !== undefined) control.abort();
      },
    };
    /** A sink's exception ends the exchange as a typed error instead of vanishing in a socket handler. */
    const step = (work: () => void) => {
      if (guard.ended) return;
      try {
        work();
      } catch (error) {
        guard.fail(
          error instanceof ProxmoxError
            ? error
            : new ProxmoxError(`${where}: could not read the answer (${(error as Error).message})`, {
                cause: error,
                method: req.method,
              }),
        );
      }
    };
    const handler: Http1Handler = {
      onHead(statusCode, statusText, headers) {
        step(() => {
          if (req.idle) guard.arm();
          const early = sink.head({ status: statusCode, statusText, headers }, flow);
          if (early !== undefined) settle(undefined, early);
        });
      },
      onBody(chunk) {
        step(() => {
          if (req.idle) guard.arm();
          sink.data(chunk, flow);
        });
      },
      onComplete() {
        step(() => {
          const done = sink.end();
          guard.end();
          closeBody();
          if (done !== undefined) settle(undefined, done);
        });
      },
      onError(error) {
        guard.fail(asProxmoxError(where, req.method, error));
      },
    };
    try {
      control = pool.dispatch({ method: req.method, path: req.path, headers: req.headers, body }, handler);
    } catch (error) {
      guard.fail(asProxmoxError(where, req.method, error));
      return;
    }
    guard.attach(control);
  });
}
