/**
 * The bytes of a storage upload (`multipart/form-data`), streamed from disk.
 *
 * pveproxy wants a Content-Length (a chunked body gets 501) and reads the form fields
 * `content`, `checksum-algorithm` and `checksum` before the file part, which must be named
 * `filename` and carry `filename="..."` (PROTOCOL.md "Requests"). So the layout is computed
 * first (head + file + tail, with exact lengths) and the file is read in chunks while sending:
 * never whole into memory.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { paramPairs } from '../../core/encode.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Params } from '../../core/types.js';
import type { UploadPart } from '../transport.js';

/** Fields the server must see before the file part, in this order. */
const LEADING_FIELDS = ['content', 'checksum-algorithm', 'checksum'];

export interface MultipartLayout {
  boundary: string;
  contentType: string;
  /** Every field part and the file part's headers. */
  head: Buffer;
  /** The file part's closing CRLF and the final boundary. */
  tail: Buffer;
  /** Bytes of the whole body: head + file + tail. */
  length: number;
}

/** Quoted-string for Content-Disposition, escaped the way browsers do (WHATWG form encoding). */
function quote(value: string): string {
  return `"${value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')}"`;
}

/** Orders the fields: the leading ones first (as pveproxy expects), then the rest as given. */
export function orderedFields(params: Params): Array<[string, string]> {
  const pairs = paramPairs(params);
  const rank = (key: string) => {
    const i = LEADING_FIELDS.indexOf(key);
    return i < 0 ? LEADING_FIELDS.length : i;
  };
  return pairs
    .map((pair, index) => ({ pair, index }))
    .sort((a, b) => rank(a.pair[0]) - rank(b.pair[0]) || a.index - b.index)
    .map((x) => x.pair);
}

export function multipartLayout(params: Params, upload: UploadPart, boundary?: string): MultipartLayout {
  const b = boundary ?? `----proxmox-sdk-${randomBytes(16).toString('hex')}`;
  if (!Number.isSafeInteger(upload.size) || upload.size < 0) {
    throw new InvalidArgumentError(`upload ${upload.fileName}: size must be a byte count`);
  }
  let head = '';
  for (const [name, value] of orderedFields(params)) {
    head += `--${b}\r\nContent-Disposition: form-data; name=${quote(name)}\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${b}\r\nContent-Disposition: form-data; name=${quote(upload.field)}; filename=${quote(upload.fileName)}\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  const headBytes = Buffer.from(head, 'utf8');
  const tail = Buffer.from(`\r\n--${b}--\r\n`, 'utf8');
  return {
    boundary: b,
    contentType: `multipart/form-data; boundary=${b}`,
    head: headBytes,
    tail,
    length: headBytes.length + upload.size + tail.length,
  };
}

export interface BodyOptions {
  /** Bytes read from disk per chunk. @default 256 KiB */
  highWaterMark?: number;
  /** Called for every chunk handed to the socket (after backpressure). */
  onChunk?: () => void;
}

/**
 * The body, chunk by chunk. Fails if the file's length differs from the size the
 * Content-Length was computed from (the file changed while uploading).
 */
export async function* multipartBody(
  layout: MultipartLayout,
  upload: UploadPart,
  options: BodyOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  yield layout.head;
  let sent = 0;
  const file = createReadStream(upload.localPath, { highWaterMark: options.highWaterMark ?? 256 * 1024 });
  try {
    for await (const chunk of file) {
      const buf = chunk as Buffer;
      sent += buf.length;
      if (sent > upload.size) break;
      yield buf;
      options.onChunk?.();
      upload.onProgress?.(sent, upload.size);
    }
  } finally {
    file.destroy();
  }
  if (sent !== upload.size) {
    throw new InvalidArgumentError(
      `upload ${upload.fileName}: the file changed while uploading (${upload.size} bytes expected, ${sent} read)`,
    );
  }
  yield layout.tail;
}
