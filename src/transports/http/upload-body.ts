/**
 * Multipart uploads over HTTPS (see src/files/files.ts and src/transports/http/multipart.ts).
 *
 * The body is streamed with an exact Content-Length. The timeout is an idle timeout here:
 * an ISO of several GB takes longer than any sensible per-request limit, so the clock
 * restarts whenever a chunk goes out, and only a stall of `timeout` ms fails the upload.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ConnectionError, ProxmoxError } from '../../core/errors.js';
import type { ResolvedHost } from '../../options/resolve.js';
import type { TransportRequest, TransportResponse } from '../transport.js';
import { DispatchGuard } from './dispatch-guard.js';
import { type HttpWire, parseBody } from './http-request.js';
import { multipartBody, multipartLayout } from './multipart.js';

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
    const guard = new DispatchGuard({
      where,
      signal: req.signal,
      timeoutMs: idle,
      timeoutText: `upload stalled for ${idle} ms`,
      onFail: (error) => {
        body.destroy();
        reject(error);
      },
    });
    /** Success or undici's own error: the exchange is over, the body's source is closed. */
    const settle = (error: Error | undefined, value?: TransportResponse) => {
      if (guard.ended) return;
      guard.end();
      body.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    const body = Readable.from(multipartBody(layout, upload, { onChunk: () => guard.arm() }), {
      objectMode: false,
    });
    body.on('error', (error) => guard.fail(error instanceof ProxmoxError ? error : wrap(where, error)));
    if (!guard.start()) return;

    dispatcher.dispatch(
      { origin, path: wire.url, method: req.method as Dispatcher.HttpMethod, headers, body },
      {
        onRequestStart(c) {
          guard.attach(c);
        },
        onResponseStart(_c, statusCode, h, message) {
          guard.arm();
          status = statusCode;
          statusText = message ?? '';
          resHeaders = h as Record<string, string | string[] | undefined>;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          const type = resHeaders['content-type'];
          settle(undefined, {
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
          settle(error instanceof ProxmoxError ? error : wrap(where, error));
        },
      },
    );
  });
}

function wrap(where: string, error: Error): ConnectionError {
  return new ConnectionError(`${where}: ${error.message}`, { cause: error, method: where.split(' ')[0]! });
}
