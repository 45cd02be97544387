/**
 * Response compression as each server does it (issue 14.6).
 *
 * PVE/PMG (pve-http-server src/PVE/APIServer/AnyEvent.pm `response`): only bodies over
 * 1024 bytes, gzip when the request's Accept-Encoding mentions gzip, else zlib "deflate"
 * (Compress::Zlib::compress) when it mentions deflate; on by default (`compression //= 1`,
 * COMPRESSION in /etc/default/pveproxy turns it off).
 *
 * PBS/PDM (proxmox-rs proxmox-rest-server src/rest.rs `handle_api_request`,
 * `extract_compression_method`): every API answer, whatever its size, zlib-wrapped deflate
 * when the first encoding it can parse is `deflate` (the only one it knows); no gzip.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { SERVICES, type ServiceName } from '../../core/services.js';

/** Perl's pattern match: the header only has to contain the word. */
function mentions(header: string, word: string): boolean {
  return header.toLowerCase().includes(word);
}

/** The first listed encoding proxmox-rest-server can parse (only `deflate`). */
function restServerChoice(header: string): 'deflate' | undefined {
  for (const encoding of header.split(/[, ]/)) if (encoding === 'deflate') return 'deflate';
  return undefined;
}

export interface Compressed {
  body: Buffer;
  encoding?: 'gzip' | 'deflate';
}

export function compressAnswer(
  service: ServiceName,
  acceptEncoding: string | undefined,
  body: Buffer,
): Compressed {
  if (!acceptEncoding || body.length === 0) return { body };
  if (!SERVICES[service].perlServer) {
    if (restServerChoice(acceptEncoding) !== 'deflate') return { body };
    return { body: deflateSync(body), encoding: 'deflate' };
  }
  if (body.length <= 1024) return { body };
  if (mentions(acceptEncoding, 'gzip')) return { body: gzipSync(body), encoding: 'gzip' };
  if (mentions(acceptEncoding, 'deflate')) return { body: deflateSync(body), encoding: 'deflate' };
  return { body };
}
