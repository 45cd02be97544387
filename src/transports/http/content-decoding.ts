/**
 * Undoes a Content-Encoding the server chose. The SDK asks for none (no Accept-Encoding),
 * and pveproxy and proxmox-rest-server compress only when asked; but without the header
 * any coding is allowed (RFC 9110, 12.5.3), and a reverse proxy in front may gzip. Decoding
 * is one-shot over the collected body with the output capped at `maxResponseBytes`, so a
 * compression bomb (a small body that expands 1000x) ends at the limit like any large answer.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';
import { ProxmoxError } from '../../core/errors.js';

type Decoder = (body: Buffer, options: ZlibOptions) => Buffer;

/** zlib-wrapped deflate starts with a CMF byte of method 8 whose header checksum holds. */
const zlibWrapped = (b: Buffer) => b.length >= 2 && (b[0]! & 0x0f) === 8 && ((b[0]! << 8) | b[1]!) % 31 === 0;

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  // "deflate" means the zlib format, but some servers send raw deflate; browsers take both.
  deflate: (body, options) =>
    zlibWrapped(body) ? inflateSync(body, options) : inflateRawSync(body, options),
  br: (body, options) => brotliDecompressSync(body, options),
};

/** The codings a Content-Encoding header lists, in the order they were applied. */
function codingsOf(header: string | string[] | undefined): string[] {
  // Nearly every answer has no Content-Encoding: no split and no arrays for it.
  if (header === undefined || header === '') return [];
  return (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/** The header's codings as text (`gzip`, `gzip, br`), or undefined when the body is as sent. */
export function encodingOf(header: string | string[] | undefined): string | undefined {
  const codings = codingsOf(header);
  return codings.length === 0 ? undefined : codings.join(', ');
}

export interface DecodeFailure {
  /** The decoded body would be larger than the limit. */
  tooLarge?: true;
  error?: ProxmoxError;
}

/**
 * The body with every coding of `header` undone (last applied, first undone), or what
 * went wrong: the decoded size passing `limit`, a coding the SDK cannot read, bad data.
 */
export function decodeContent(
  body: Buffer,
  header: string | string[] | undefined,
  limit: number,
  where: string,
  method: string,
): Buffer | DecodeFailure {
  const codings = codingsOf(header);
  if (codings.length === 0 || body.length === 0) return body;
  let out = body;
  for (const coding of codings.reverse()) {
    const decode = DECODERS[coding];
    if (decode === undefined) {
      return {
        error: new ProxmoxError(
          `${where}: the answer is encoded as '${coding}', which the SDK cannot decode (it asks for no encoding)`,
          { method },
        ),
      };
    }
    try {
      out = decode(out, { maxOutputLength: limit });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { tooLarge: true };
      return {
        error: new ProxmoxError(`${where}: the ${coding}-encoded answer could not be decoded`, {
          cause: error,
          method,
        }),
      };
    }
  }
  return out;
}
