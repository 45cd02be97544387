/**
 * Multipart uploads over HTTPS (see src/files/files.ts and src/transports/http/multipart.ts):
 * the request half. The body is streamed from disk with an exact Content-Length (pveproxy
 * answers 501 to a chunked one); the answer is collected like any other (src/transports/http/https.ts).
 */
import { Readable } from 'node:stream';
import type { ResolvedHost } from '../../options/resolve.js';
import type { TransportRequest, UploadPart } from '../transport.js';
import type { HttpWire } from './http-request.js';
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

/** Path, headers and the streamed body of an upload; `progress` restarts the idle timer per chunk. */
export function uploadRequest(
  wire: HttpWire,
  req: TransportRequest,
  upload: UploadPart,
): { path: string; headers: Record<string, string>; body: (progress: () => void) => Readable } {
  const layout = multipartLayout(req.params, upload);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(wire.headers)) if (k.toLowerCase() !== 'content-type') headers[k] = v;
  headers['content-type'] = layout.contentType;
  headers['content-length'] = String(layout.length);
  return {
    path: wire.url.split('?')[0]!,
    headers,
    body: (progress) =>
      Readable.from(multipartBody(layout, upload, { onChunk: progress }), { objectMode: false }),
  };
}
