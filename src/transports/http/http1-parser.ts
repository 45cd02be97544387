/**
 * The HTTP/1.1 response parser of the HTTPS transport (RFC 9112): fed the socket's bytes as
 * they come, split anywhere, it reports one answer's head, its body's bytes and its end to a
 * handler. It keeps the reason phrase (pveproxy puts the first line of its error message
 * there), caps the head (a server cannot make the client hold more than HEAD_LIMIT bytes of
 * it, nor more than HEADER_COUNT_LIMIT headers: the limits undici enforced), frames the body
 * by Content-Length, chunked encoding (extensions and trailers are read and dropped) or the
 * end of the connection, and refuses what is malformed or ambiguous (two lengths that
 * disagree, a length beside Transfer-Encoding: RFC 9112's request-smuggling rules) with a
 * ConnectionError that says what was wrong, never quoting a header value (it may be secret).
 *
 * Hot path: one instance per connection, reused for every answer; no closures per chunk, no
 * `?.`/`??` (the CommonJS build makes them allocating helper calls).
 */
import { ConnectionError } from '../../core/errors.js';

/** Largest head (status line, headers, blank line), as undici's default (Node's maxHeaderSize). */
export const HEAD_LIMIT = 16 * 1024;
/** Most headers in one head. */
export const HEADER_COUNT_LIMIT = 256;
/** Most informational (1xx) heads before the answer: the SDK never asks for one. */
export const INFORMATIONAL_LIMIT = 8;
/** Longest chunk-size line, extensions included. */
const CHUNK_LINE_LIMIT = 4096;

export type ResponseHeaders = Record<string, string | string[]>;

export interface ResponseHandler {
  /** The final head (1xx heads are skipped). */
  onHead(status: number, reason: string, headers: ResponseHeaders): void;
  /** Bytes of the body, decoded from its framing (a view into the socket's chunk). */
  onBody(chunk: Buffer): void;
  /** The answer is complete. */
  onComplete(): void;
}

enum State {
  Idle = 0,
  Head = 1,
  Length = 2,
  ChunkSize = 3,
  ChunkData = 4,
  ChunkEnd = 5,
  Trailers = 6,
  UntilClose = 7,
  Done = 8,
}

const HTTP_PREFIX = Buffer.from('HTTP/');
const CR = 0x0d;
const LF = 0x0a;
const STATUS_LINE = /^HTTP\/1\.([01]) ([0-9]{3})(?: (.*))?$/s;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Control characters other than tab, which a field value may not hold. */
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** A chunk size: leading zeros allowed (RFC 9112 7.1), at most 13 digits after them (< 2^53). */
const HEX = /^0*[0-9A-Fa-f]{1,13}$/;

function malformed(what: string): ConnectionError {
  return new ConnectionError(`the server's answer is not valid HTTP/1.1: ${what}`);
}

const BARE_LF = 'a line of the head ends in a bare LF, not CRLF';

/**
 * A refused head line: a bare LF in it is named as such, so that a bare-LF head is refused
 * with the same words whether it arrived whole or in pieces (see #head).
 */
function badLine(line: string, what: string): ConnectionError {
  return malformed(line.indexOf('\n') === -1 ? what : BARE_LF);
}

/**
 * A head well formed as a whole: the status line, then `name: value` lines whose names are
 * tokens and whose values hold visible characters, spaces and tabs only. Linear: no part can
 * match a CR, so there is nothing to backtrack over.
 */
const WELL_FORMED =
  /^HTTP\/1\.[01] [0-9]{3}(?: [\t\x20-\x7e\x80-\xff]*)?(?:\r\n[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\x80-\xff]*)*$/;

/** Says what is wrong with a status line the head's test refused (throws). */
function checkStatusLine(line: string): void {
  if (!STATUS_LINE.test(line)) throw badLine(line, 'the status line is not `HTTP/1.x NNN reason`');
  const reason = line.slice(13);
  if (BAD_VALUE.test(reason)) throw badLine(reason, 'the reason phrase holds control characters');
}

/** Says what is wrong with a header line the head's test refused (throws when it is that line). */
function checkHeaderLine(line: string): void {
  const first = line.charCodeAt(0);
  if (first === 0x20 || first === 0x09)
    throw malformed('a header is folded over lines (obsolete line folding)');
  const colon = line.indexOf(':');
  if (colon <= 0) throw badLine(line, 'a header line has no name');
  const rawName = line.slice(0, colon);
  if (!TOKEN.test(rawName)) throw badLine(rawName, 'a header name holds characters a name may not');
  // Checked before the whitespace goes: String#trim would drop a CR, VT, FF or NBSP at an edge.
  const raw = line.slice(colon + 1);
  if (BAD_VALUE.test(raw)) throw badLine(raw, `header ${rawName.toLowerCase()} holds control characters`);
}

export class ResponseParser {
  readonly #handler: ResponseHandler;
  #state: State = State.Idle;
  /** Head bytes received so far, when a head spans chunks. */
  #pending: Buffer | null = null;
  #remaining = 0;
  /** A chunk-size or trailer line received so far. */
  #line = '';
  #trailerBytes = 0;
  #informational = 0;
  #noBody = false;
  #stopped = false;
  #received = false;
  /** Whether the connection may carry another request after this answer. */
  keepAlive = false;

  constructor(handler: ResponseHandler) {
    this.#handler = handler;
  }

  /** Expects the answer to a new request; HEAD answers have no body. */
  expect(method: string): void {
    this.#state = State.Head;
    this.#pending = null;
    this.#remaining = 0;
    this.#line = '';
    this.#trailerBytes = 0;
    this.#informational = 0;
    this.#noBody = method === 'HEAD';
    this.#stopped = false;
    this.#received = false;
    this.keepAlive = false;
  }

  /** Whether any byte of the current answer arrived (a failure before it may be retried). */
  get received(): boolean {
    return this.#received;
  }

  /** Whether the answer is complete. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /** Whether the body runs to the end of the connection. */
  get untilClose(): boolean {
    return this.#state === State.UntilClose;
  }

  /** Stops delivering the rest of the current chunk (the request was aborted in a callback). */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Parses a chunk. Throws a ConnectionError when the answer is malformed. Answers the number
   * of bytes used: fewer than the chunk's length when the answer ended before it (bytes the
   * server sent after a complete answer, which no request asked for).
   */
  execute(data: Buffer): number {
    if (data.length > 0 && this.#state !== State.Idle && this.#state !== State.Done) this.#received = true;
    let pos = 0;
    const length = data.length;
    while (pos < length && !this.#stopped) {
      switch (this.#state) {
        case State.Head:
          pos = this.#head(data, pos);
          break;
        case State.Length:
        case State.ChunkData:
          pos = this.#framed(data, pos);
          break;
        case State.ChunkSize:
          pos = this.#chunkSize(data, pos);
          break;
        case State.ChunkEnd:
          // `#remaining` counts the CRLF bytes seen after the chunk's data.
          if (data[pos] !== (this.#remaining === 0 ? CR : LF))
            throw malformed('a chunk is longer than its size says');
          pos++;
          if (++this.#remaining === 2) {
            this.#remaining = 0;
            this.#state = State.ChunkSize;
          }
          break;
        case State.Trailers:
          pos = this.#trailers(data, pos);
          break;
        case State.UntilClose:
          this.#handler.onBody(pos === 0 ? data : data.subarray(pos));
          pos = length;
          break;
        default:
          // Idle or Done: bytes nobody asked for.
          return pos;
      }
    }
    return length;
  }

  /** The connection ended: completes a body that runs until the close, or says what was cut. */
  finish(): void {
    if (this.#state === State.UntilClose) {
      this.keepAlive = false;
      this.#complete();
      return;
    }
    if (this.#state === State.Idle || this.#state === State.Done) return;
    throw new ConnectionError(
      this.#state === State.Head
        ? 'the server closed the connection before answering'
        : 'the server closed the connection in the middle of the answer',
    );
  }

  #head(data: Buffer, pos: number): number {
    let buf = data;
    let from = pos;
    let searchFrom = pos;
    let before = 0;
    if (this.#pending !== null) {
      before = this.#pending.length;
      buf = Buffer.concat([this.#pending, pos === 0 ? data : data.subarray(pos)]);
      from = 0;
      searchFrom = before > 3 ? before - 3 : 0;
    }
    const end = buf.indexOf('\r\n\r\n', searchFrom, 'latin1');
    if (end === -1) {
      // Not HTTP (an SSH banner, a TLS peer's garbage): refused now, not when the head would end.
      const seen = Math.min(buf.length - from, 5);
      if (buf.compare(HTTP_PREFIX, 0, seen, from, from + seen) !== 0)
        throw malformed('the status line is not `HTTP/1.x NNN reason`');
      // A head with bare LF line ends never shows the CRLF CRLF it would end with: refused now,
      // not after waiting for the timeout (a complete head holding one fails its line's check).
      for (let lf = buf.indexOf(LF, Math.max(before, from)); lf !== -1; lf = buf.indexOf(LF, lf + 1))
        if (lf === from || buf[lf - 1] !== CR) throw malformed(BARE_LF);
      if (buf.length - from > HEAD_LIMIT) throw malformed(`the head is larger than ${HEAD_LIMIT} bytes`);
      // A copy: the pending head must not keep the socket's whole chunk alive.
      this.#pending = buf !== data ? buf : Buffer.from(buf.subarray(from));
      return data.length;
    }
    if (end + 4 - from > HEAD_LIMIT) throw malformed(`the head is larger than ${HEAD_LIMIT} bytes`);
    this.#pending = null;
    this.#parseHead(buf.toString('latin1', from, end), buf, from);
    // The head ends `end + 4` bytes into `buf`, of which `before` bytes came before `data[pos]`.
    return buf === data ? end + 4 : pos + end + 4 - before;
  }

  #parseHead(text: string, buf: Buffer, from: number): void {
    // One test of the whole head on the way of every answer; the checks line by line, which
    // say what is wrong, run only when it fails.
    const wellFormed = WELL_FORMED.test(text);
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd === -1) lineEnd = text.length;
    if (!wellFormed) checkStatusLine(text.slice(0, lineEnd));
    // `HTTP/1.x NNN reason`: the version's digit at 7, the status at 9-11, the reason from 13.
    const http10 = text.charCodeAt(7) === 0x30;
    const status =
      (text.charCodeAt(9) - 48) * 100 + (text.charCodeAt(10) - 48) * 10 + (text.charCodeAt(11) - 48);
    if (status < 100) throw malformed('the status code is below 100');
    const reason = lineEnd > 13 ? buf.toString('utf8', from + 13, from + lineEnd) : '';
    const headers: ResponseHeaders = {};
    let count = 0;
    let contentLength = -1;
    let chunked = false;
    let transferEncoding = false;
    let connection = '';
    let start = lineEnd + 2;
    const length = text.length;
    while (start < length) {
      let next = text.indexOf('\r\n', start);
      if (next === -1) next = length;
      if (++count > HEADER_COUNT_LIMIT) throw malformed(`more than ${HEADER_COUNT_LIMIT} headers`);
      if (!wellFormed) checkHeaderLine(text.slice(start, next));
      const colon = text.indexOf(':', start);
      const name = text.slice(start, colon).toLowerCase();
      // Only spaces and tabs are optional whitespace; anything else was refused above.
      const value = trimOws(text.slice(colon + 1, next));
      start = next + 2;
      if (name === 'content-length') {
        contentLength = this.#length(value, contentLength);
      } else if (name === 'transfer-encoding') {
        transferEncoding = true;
        chunked = this.#chunked(value, chunked);
      } else if (name === 'connection') {
        connection = connection === '' ? value.toLowerCase() : `${connection},${value.toLowerCase()}`;
      }
      addHeader(headers, name, value);
    }
    // Every line passed its own check, yet the whole did not: say so without guessing.
    if (!wellFormed) throw malformed('the head is malformed');
    if (status < 200) {
      // 101 would switch protocols, which the SDK never asks for.
      if (status === 101) throw malformed('101 Switching Protocols without an upgrade request');
      if (++this.#informational > INFORMATIONAL_LIMIT)
        throw malformed(`more than ${INFORMATIONAL_LIMIT} informational (1xx) answers before the answer`);
      return;
    }
    if (transferEncoding && contentLength !== -1)
      throw malformed('both Content-Length and Transfer-Encoding (a request-smuggling pattern)');
    if (transferEncoding && !chunked) throw malformed('a Transfer-Encoding other than chunked');
    this.keepAlive = http10 ? hasToken(connection, 'keep-alive') : !hasToken(connection, 'close');
    this.#handler.onHead(status, reason, headers);
    if (this.#noBody || status === 204 || status === 304) this.#complete();
    else if (chunked) this.#state = State.ChunkSize;
    else if (contentLength === 0) this.#complete();
    else if (contentLength > 0) {
      this.#remaining = contentLength;
      this.#state = State.Length;
    } else {
      this.keepAlive = false;
      this.#state = State.UntilClose;
    }
  }

  /** A Content-Length value (maybe a list, maybe repeated): all its values must agree. */
  #length(value: string, before: number): number {
    let length = before;
    for (const part of value.split(',')) {
      const digits = trimOws(part);
      if (!/^[0-9]{1,15}$/.test(digits)) throw malformed('Content-Length is not a number');
      const n = Number(digits);
      if (length !== -1 && n !== length) throw malformed('Content-Length values that disagree');
      length = n;
    }
    return length;
  }

  /** Transfer-Encoding: chunked must come last, once. */
  #chunked(value: string, before: boolean): boolean {
    const codings = value.toLowerCase().split(',');
    for (let i = 0; i < codings.length; i++) {
      const coding = trimOws(codings[i]!);
      if (before) throw malformed('a Transfer-Encoding after chunked');
      if (coding === 'chunked') before = true;
      // gzip before chunked would hand the caller the compressed bytes: no coding is decoded here.
      else if (coding !== '') throw malformed('a Transfer-Encoding other than chunked');
    }
    return before;
  }

  /** Body bytes of a known length: the rest of a Content-Length body, or of one chunk. */
  #framed(data: Buffer, pos: number): number {
    const take = Math.min(this.#remaining, data.length - pos);
    const chunk = data.subarray(pos, pos + take);
    this.#remaining -= take;
    const last = this.#remaining === 0;
    if (last && this.#state === State.ChunkData) this.#state = State.ChunkEnd;
    this.#handler.onBody(chunk);
    if (last && this.#state === State.Length) this.#complete();
    return pos + take;
  }

  #chunkSize(data: Buffer, pos: number): number {
    const lf = data.indexOf(LF, pos);
    const end = lf === -1 ? data.length : lf;
    if (this.#line.length + (end - pos) > CHUNK_LINE_LIMIT)
      throw malformed(`a chunk-size line is longer than ${CHUNK_LINE_LIMIT} bytes`);
    this.#line += data.toString('latin1', pos, end);
    if (lf === -1) return data.length;
    const line = this.#line;
    this.#line = '';
    if (line.charCodeAt(line.length - 1) !== CR) throw malformed('a chunk-size line does not end in CRLF');
    const semicolon = line.indexOf(';');
    const size = trimOws(semicolon === -1 ? line.slice(0, -1) : line.slice(0, semicolon));
    if (!HEX.test(size)) throw malformed('a chunk size is not a hexadecimal number');
    if (semicolon !== -1 && BAD_VALUE.test(line.slice(semicolon, -1)))
      throw malformed('a chunk extension holds control characters');
    const n = Number.parseInt(size, 16);
    if (n === 0) {
      this.#state = State.Trailers;
      this.#trailerBytes = 0;
    } else {
      this.#remaining = n;
      this.#state = State.ChunkData;
    }
    return lf + 1;
  }

  /** Trailer fields after the last chunk: read (bounded like a head) and dropped. */
  #trailers(data: Buffer, pos: number): number {
    const lf = data.indexOf(LF, pos);
    const end = lf === -1 ? data.length : lf;
    this.#trailerBytes += end - pos + 1;
    if (this.#trailerBytes > HEAD_LIMIT) throw malformed(`the trailers are larger than ${HEAD_LIMIT} bytes`);
    this.#line += data.toString('latin1', pos, end);
    if (lf === -1) return data.length;
    const line = this.#line;
    this.#line = '';
    if (line.charCodeAt(line.length - 1) !== CR) throw malformed('a trailer line does not end in CRLF');
    if (line.length === 1) {
      this.#complete();
      return lf + 1;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw malformed('a trailer line has no name');
    if (BAD_VALUE.test(line.slice(colon + 1, -1))) throw malformed('a trailer holds control characters');
    return lf + 1;
  }

  #complete(): void {
    this.#state = State.Done;
    this.#handler.onComplete();
  }
}

/** Repeated headers become arrays; set-cookie is always one. */
function addHeader(headers: ResponseHeaders, name: string, value: string): void {
  const before = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (typeof before === 'object') {
    before.push(value);
    return;
  }
  const next = before === undefined ? (name === 'set-cookie' ? [value] : value) : [before, value];
  // A header named __proto__ is data, never the object's prototype.
  if (name === '__proto__')
    Object.defineProperty(headers, name, {
      value: next,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  else headers[name] = next;
}

/** Without the optional whitespace (RFC 9110 5.6.3: spaces and tabs only) around it. */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  let c = text.charCodeAt(start);
  while (start < end && (c === 0x20 || c === 0x09)) c = text.charCodeAt(++start);
  c = text.charCodeAt(end - 1);
  while (end > start && (c === 0x20 || c === 0x09)) c = text.charCodeAt(--end - 1);
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Whether a comma-separated, lower-case header value holds `token`. */
function hasToken(list: string, token: string): boolean {
  if (list === '') return false;
  if (list === token) return true;
  const parts = list.split(',');
  for (let i = 0; i < parts.length; i++) if (parts[i]!.trim() === token) return true;
  return false;
}
