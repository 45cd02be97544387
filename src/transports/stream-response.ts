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
import { AbortError, ConnectionError, ProxmoxError, TimeoutError } from '../errors.js';
import { parseBody } from './http-request.js';
import type { TransportResponse } from './transport.js';

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
    let controller: Dispatcher.DispatchController | undefined;
    let stream: Readable | undefined;
    let errorBody: Buffer[] | undefined;
    let head: Omit<TransportResponse, 'body'> | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;

    const settle = (error: Error | undefined, value?: TransportResponse) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(value!);
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (controller && !controller.aborted) controller.abort(error);
      if (stream && !stream.destroyed) stream.destroy(error);
      settle(error);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(new TimeoutError(`${where}: no data for ${o.timeout} ms`)), o.timeout);
    };
    const onAbort = () =>
      fail(new AbortError(`${where}: aborted by the caller`, { cause: o.signal?.reason }));
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    arm();

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
          controller = c;
          if (settled) c.abort(new AbortError(`${where}: aborted`));
        },
        onResponseStart(c, statusCode, headers, statusMessage) {
          arm();
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
              clearTimeout(timer);
              if (!c.aborted && !ended)
                c.abort(error ?? new AbortError(`${where}: download closed by the reader`));
              callback(error);
            },
          });
          settle(undefined, { ...head, body: undefined, stream });
        },
        onResponseData(c, chunk) {
          arm();
          if (errorBody) errorBody.push(chunk);
          else if (stream && !stream.push(chunk)) c.pause();
        },
        onResponseEnd() {
          ended = true;
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
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
          fail(
            error instanceof ProxmoxError
              ? error
              : new ConnectionError(`${where}: ${error.message}`, { cause: error, method: o.method }),
          );
        },
      },
    );
  });
}
