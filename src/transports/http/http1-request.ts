/**
 * The head of an HTTP/1.1 request as it goes on the wire (RFC 9112 section 3), checked so
 * that nothing the caller passes can split it: a method or header name that is not a token,
 * a path with spaces or control characters, a header value with CR, LF or NUL (header
 * injection) is refused before a byte is sent, naming the header but never its value (a
 * value may be a ticket or a token secret).
 */
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../core/errors.js';

export interface Http1Request {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  /** A Readable is streamed with backpressure: with its `content-length` header as sent, else chunked. */
  body: string | Buffer | Readable | null;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a request target may hold: visible ASCII, no space. */
const TARGET = /^[\x21-\x7e]+$/;
const BAD_VALUE = /[\0\r\n]/;

/** The body's length for Content-Length, -1 to send it chunked, 0 for none. */
export function bodyLength(req: Http1Request): number {
  const body = req.body;
  if (body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (Buffer.isBuffer(body)) return body.length;
  const declared = headerOf(req.headers, 'content-length');
  if (declared === undefined) return -1;
  if (!/^[0-9]{1,15}$/.test(declared)) throw new InvalidArgumentError('content-length header: not a number');
  return Number(declared);
}

/** Methods whose request has a body: an empty one is sent as Content-Length 0, as undici did. */
function expectsBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

/**
 * The request head, ending in the blank line. `length` is bodyLength's answer; `host` the
 * origin's authority (a `host` header of the caller's wins).
 */
export function requestHead(req: Http1Request, host: string, length: number): string {
  if (!TOKEN.test(req.method)) throw new InvalidArgumentError('request method: not an HTTP token');
  // A path, or a whole http:// URL for a proxy (absolute form).
  if (!TARGET.test(req.path) || (req.path.charCodeAt(0) !== 0x2f && !req.path.startsWith('http://')))
    throw new InvalidArgumentError(
      'request path: must start with / and hold no spaces or control characters',
    );
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  let hasHost = false;
  const headers = req.headers;
  for (const name in headers) {
    const value = headers[name]!;
    if (!TOKEN.test(name)) throw new InvalidArgumentError('a request header name is not an HTTP token');
    if (BAD_VALUE.test(value))
      throw new InvalidArgumentError(`request header ${name}: the value holds CR, LF or NUL`);
    // The framing is ours: the caller's own length or coding could contradict the body sent.
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (lower === 'host') hasHost = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head += `host: ${host}\r\n`;
  if (length === -1) head += 'transfer-encoding: chunked\r\n';
  else if (length > 0 || expectsBody(req.method)) head += `content-length: ${length}\r\n`;
  return `${head}\r\n`;
}

function headerOf(headers: Record<string, string>, lowerName: string): string | undefined {
  for (const name in headers) if (name.toLowerCase() === lowerName) return headers[name];
  return undefined;
}
