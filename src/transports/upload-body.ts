/**
 * Multipart uploads over HTTPS (see src/files.ts and src/transports/multipart.ts).
 *
 * The body is streamed with an exact Content-Length. The timeout is an idle timeout here:
 * an ISO of several GB takes longer than any sensible per-request limit, so the clock
 * restarts whenever a chunk goes out, and only a stall of `timeout` ms fails the upload.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AbortError, ConnectionError, ProxmoxError, TimeoutError } from '../errors.js';
import type { ResolvedHost } from '../resolve-options.js';
import { type HttpWire, parseBody } from './http-request.js';
import { multipartBody, multipartLayout } from './multipart.js';
import type { TransportRequest, TransportResponse } from './transport.js';

/**
 * The host of a cluster list that is node `node` (`pve2` or `pve2.example.com`), if exactly
 * one matches: pveproxy never forwards an upload to another node, so a transport that knows
 * several hosts sends the body to this one. Files set `upload.node` for that.
 */
export function uploadHost(hosts: readonly ResolvedHost[], node: string): ResolvedHost | undefined {
  const lower = node.toLowerCase();
  const matches = hosts.filter((h) => {
    const name = h.hostname.toLowerCase();
    return name === lower || name.startsWith(`${lower}.`);
  });
  return matches.length === 1 ? matches[0] : undefined;
}

export async function sendUpload(
  dispatcher: Dispatcher,
  origin: string,
  wire: HttpWire,
  req: TransportRequest,
): Promise<TransportResponse> {
  const upload = req.upload!;
  const layout = multipartLayout(req.params, upload);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(wire.headers)) if (k.toLowerCase() !== 'content-type') headers[k] = v;
  headers['content-type'] = layout.contentType;
  headers['content-length'] = String(layout.length);
  const url = wire.url.split('?')[0]!;
  const where = `${req.method} ${url}`;
  const idle = req.timeout ?? 30_000;

  return new Promise((resolve, reject) => {
    let status = 0;
    let statusText = '';
    let resHeaders: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined, value?: TransportResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      body.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    const stop = (error: Error) => {
      if (controller && !controller.aborted) controller.abort(error);
      finish(error);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stop(new TimeoutError(`${where}: upload stalled for ${idle} ms`)), idle);
    };
    const onAbort = () =>
      stop(new AbortError(`${where}: aborted by the caller`, { cause: req.signal?.reason }));
    const body = Readable.from(multipartBody(layout, upload, { onChunk: arm }), { objectMode: false });
    body.on('error', (error) => stop(error instanceof ProxmoxError ? error : wrap(where, error)));
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    arm();

    dispatcher.dispatch(
      { origin, path: wire.url, method: req.method as Dispatcher.HttpMethod, headers, body },
      {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new AbortError(`${where}: aborted`));
        },
        onResponseStart(_c, statusCode, h, message) {
          arm();
          status = statusCode;
          statusText = message ?? '';
          resHeaders = h as Record<string, string | string[] | undefined>;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          const type = resHeaders['content-type'];
          finish(undefined, {
            status,
            statusText,
            headers: resHeaders,
            body: parseBody(
              Buffer.concat(chunks).toString('utf8'),
              typeof type === 'string' ? type : undefined,
            ),
          });
        },
        onResponseError(_c, error) {
          finish(error instanceof ProxmoxError ? error : wrap(where, error));
        },
      },
    );
  });
}

function wrap(where: string, error: Error): ConnectionError {
  return new ConnectionError(`${where}: ${error.message}`, { cause: error, method: where.split(' ')[0]! });
}
