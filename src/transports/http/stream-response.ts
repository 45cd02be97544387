/**
 * Streamed downloads over HTTPS (`responseType: 'stream'`): the answer's body is handed
 * over unread as a Readable, with backpressure (undici pauses the socket while the reader
 * is slow). Error answers (status >= 400) are small JSON: they are read whole, so that
 * the pipeline can decode them into the usual errors.
 *
 * The timeout covers the wait for the answer's head only; a slow but moving download is
 * not cut off, a stalled one is (`timeout` ms without data).
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AbortError, ConnectionError, ProxmoxError } from '../../core/errors.js';
import type { TransportResponse } from '../transport.js';
import { DispatchGuard } from './dispatch-guard.js';
import { parseBody } from './http-request.js';

export interface StreamOptions {
  origin: string;
  /** Path and query. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  timeout: number;
  signal: AbortSignal | undefined;
}

export function dispatchStream(dispatcher: Dispatcher, o: StreamOptions): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const where = `${o.method} ${o.path.split('?')[0]}`;
    let stream: Readable | undefined;
    let errorBody: Buffer[] | undefined;
    let head: Omit<TransportResponse, 'body'> | undefined;
    // The promise settles with the head; the exchange (timer, signal) lasts until the body ends.
    let settled = false;
    const settle = (error: Error | undefined, value?: TransportResponse) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(value!);
    };
    const guard = new DispatchGuard({
      where,
      signal: o.signal,
      timeoutMs: o.timeout,
      timeoutText: `no data for ${o.timeout} ms`,
      onFail: (error) => {
        if (stream && !stream.destroyed) stream.destroy(error);
        settle(error);
      },
    });
    if (!guard.start()) return;

    dispatcher.dispatch(
      {
        origin: o.origin,
        path: o.path,
        method: o.method as Dispatcher.HttpMethod,
        headers: o.headers,
        body: o.body,
      },
      {
        onRequestStart(c) {
          guard.attach(c);
        },
        onResponseStart(c, statusCode, headers, statusMessage) {
          guard.arm();
          head = {
            status: statusCode,
            statusText: statusMessage ?? '',
            headers: headers as Record<string, string | string[] | undefined>,
          };
          if (statusCode >= 400) {
            errorBody = [];
            return;
          }
          stream = new Readable({
            read: () => c.resume(),
            destroy: (error, callback) => {
              const done = guard.ended;
              guard.end();
              if (!c.aborted && !done)
                c.abort(error ?? new AbortError(`${where}: download closed by the reader`));
              callback(error);
            },
          });
          settle(undefined, { ...head, body: undefined, stream });
        },
        onResponseData(c, chunk) {
          guard.arm();
          if (errorBody) errorBody.push(chunk);
          else if (stream && !stream.push(chunk)) c.pause();
        },
        onResponseEnd() {
          guard.end();
          if (errorBody && head) {
            const type = head.headers['content-type'];
            const text = Buffer.concat(errorBody).toString('utf8');
            settle(undefined, {
              ...head,
              body: parseBody(text, typeof type === 'string' ? type : undefined),
            });
          } else stream?.push(null);
        },
        onResponseError(_c, error) {
          guard.fail(
            error instanceof ProxmoxError
              ? error
              : new ConnectionError(`${where}: ${error.message}`, { cause: error, method: o.method }),
          );
        },
      },
    );
  });
}
