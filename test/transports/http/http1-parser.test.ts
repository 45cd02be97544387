/**
 * The HTTP/1.1 response parser (src/transports/http/http1-parser.ts), fed bytes as a socket
 * would: whole, one byte at a time and at random splits, every way giving the same answer;
 * and every framing error refused as a ConnectionError that says what was wrong without
 * quoting a header value.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/core/errors.js';
import {
  HEAD_LIMIT,
  HEADER_COUNT_LIMIT,
  type ResponseHeaders,
  ResponseParser,
} from '../../../src/transports/http/http1-parser.js';

interface Parsed {
  status: number;
  reason: string;
  headers: ResponseHeaders;
  body: string;
  complete: boolean;
  keepAlive: boolean;
  /** Bytes the parser did not use (sent after the answer). */
  left: number;
}

function parse(chunks: Buffer[], method = 'GET', close = false): Parsed {
  const out: Parsed = {
    status: 0,
    reason: '',
    headers: {},
    body: '',
    complete: false,
    keepAlive: false,
    left: 0,
  };
  const body: Buffer[] = [];
  const parser = new ResponseParser({
    onHead(status, reason, headers) {
      out.status = status;
      out.reason = reason;
      out.headers = headers;
    },
    onBody(chunk) {
      body.push(Buffer.from(chunk));
    },
    onComplete() {
      out.complete = true;
    },
  });
  parser.expect(method);
  for (const chunk of chunks) out.left += chunk.length - parser.execute(chunk);
  if (close) parser.finish();
  out.body = Buffer.concat(body).toString('utf8');
  out.keepAlive = parser.keepAlive;
  return out;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');
const oneByOne = (b: Buffer) => [...b].map((x) => Buffer.from([x]));
/** A deterministic pseudo-random split, so that a failure can be reproduced. */
function randomSplits(b: Buffer, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let s = seed;
  for (let i = 0; i < b.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % 17);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

function failure(chunks: Buffer[], method = 'GET', close = false): ConnectionError {
  try {
    parse(chunks, method, close);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectionError);
    return error as ConnectionError;
  }
  throw new Error('parsed without an error');
}

const PVE_ERROR =
  "HTTP/1.1 500 can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\r\n" +
  'Cache-Control: max-age=0\r\nConnection: Keep-Alive\r\nDate: Fri, 04 Dec 2026 21:00:00 GMT\r\n' +
  'Pragma: no-cache\r\nServer: pve-api-daemon/3.0\r\nContent-Length: 13\r\n' +
  'Content-Type: application/json;charset=UTF-8\r\nExpires: Fri, 04 Dec 2026 21:00:00 GMT\r\n\r\n' +
  '{"data":null}';

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nX-Twice: one\r\nx-twice: two\r\n\r\n' +
  '5;name=value;flag\r\nhello\r\n' +
  '1\r\n \r\n' +
  'A ; spaced = "quoted;ext"\r\n€uro1234\r\n' +
  '0\r\nX-Trailer: done\r\nX-Other: 1\r\n\r\n';

describe('ResponseParser: the same answer however the bytes are split', () => {
  const cases: Array<[string, string, Partial<Parsed>]> = [
    [
      'a pveproxy error with its message in the reason phrase',
      PVE_ERROR,
      {
        status: 500,
        reason: "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout",
        body: '{"data":null}',
        keepAlive: true,
      },
    ],
    [
      'chunked, with extensions and trailers; repeated headers and set-cookie as arrays',
      CHUNKED,
      {
        status: 200,
        reason: 'OK',
        body: 'hello €uro1234',
        headers: {
          'transfer-encoding': 'chunked',
          'set-cookie': ['a=1'],
          'x-twice': ['one', 'two'],
        },
        keepAlive: true,
      },
    ],
    [
      'skipped 100 Continue and 103 heads, then the answer',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      { status: 200, body: 'ok', headers: { 'content-length': '2' } },
    ],
    [
      'a reason phrase in UTF-8, a status without one',
      'HTTP/1.1 400 paramètre invalide\r\nContent-Length: 0\r\n\r\n',
      { status: 400, reason: 'paramètre invalide', body: '' },
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const b = bytes(text);
      const whole = parse([b]);
      expect(whole).toMatchObject({ ...expected, complete: true, left: 0 });
      expect(parse(oneByOne(b))).toEqual(whole);
      for (let seed = 1; seed <= 50; seed++) expect(parse(randomSplits(b, seed))).toEqual(whole);
      // Every split in two.
      for (let i = 1; i < b.length; i++) expect(parse([b.subarray(0, i), b.subarray(i)])).toEqual(whole);
    });
  }

  it('no status text at all', () => {
    expect(parse([bytes('HTTP/1.1 204\r\n\r\n')])).toMatchObject({ status: 204, reason: '', complete: true });
  });
});

describe('ResponseParser: framing', () => {
  it('no body for HEAD, 204 and 304, whatever the length says', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n';
    expect(parse([bytes(head)], 'HEAD')).toMatchObject({ status: 200, body: '', complete: true });
    for (const status of [204, 304]) {
      expect(parse([bytes(`HTTP/1.1 ${status} X\r\n\r\n`)])).toMatchObject({ status, complete: true });
    }
  });

  it('without a length, the body runs to the close and the connection is not reused', () => {
    const text = bytes('HTTP/1.1 200 OK\r\n\r\nall of it');
    expect(parse([text])).toMatchObject({ complete: false, body: 'all of it', keepAlive: false });
    expect(parse(oneByOne(text), 'GET', true)).toMatchObject({ complete: true, body: 'all of it' });
  });

  it('keep-alive: Connection close, HTTP/1.0 unless it asks for keep-alive', () => {
    const ok = 'Content-Length: 0\r\n\r\n';
    expect(parse([bytes(`HTTP/1.1 200 OK\r\nConnection: close\r\n${ok}`)]).keepAlive).toBe(false);
    expect(parse([bytes(`HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\n${ok}`)]).keepAlive).toBe(false);
    expect(parse([bytes(`HTTP/1.0 200 OK\r\n${ok}`)]).keepAlive).toBe(false);
    expect(parse([bytes(`HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n${ok}`)]).keepAlive).toBe(true);
  });

  it('bytes after a complete answer are left unused', () => {
    expect(parse([bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA')])).toMatchObject({
      body: 'ok',
      complete: true,
      left: 5,
    });
  });

  it('the same Content-Length twice is one length', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok';
    expect(parse([bytes(text)])).toMatchObject({ body: 'ok', complete: true });
  });

  it('a header named __proto__ is data, not the prototype', () => {
    const r = parse([bytes('HTTP/1.1 200 OK\r\n__proto__: x\r\n__proto__: y\r\nContent-Length: 0\r\n\r\n')]);
    expect(Object.getPrototypeOf(r.headers)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(r.headers, '__proto__')?.value).toEqual(['x', 'y']);
    const named = parse([bytes('HTTP/1.1 200 OK\r\ntoString: x\r\nContent-Length: 0\r\n\r\n')]);
    expect(named.headers.tostring).toBe('x');
  });
});

describe('ResponseParser: malformed answers are refused, saying what was wrong', () => {
  const secret = 'PVEAuthCookie=PVE:root@pam:SECRETTICKET';
  const refused: Array<[string, string, RegExp]> = [
    ['not HTTP', 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n', /status line/],
    ['HTTP/2 status line', 'HTTP/2 200\r\n\r\n', /status line/],
    ['a two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', /status line/],
    [
      'two Content-Length values that disagree',
      'HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Length: 5\r\n\r\n',
      /disagree/,
    ],
    ['a list of lengths that disagree', 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n', /disagree/],
    ['a length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /not a number/],
    [
      'Content-Length beside Transfer-Encoding',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
      /smuggling/,
    ],
    [
      'a coding other than chunked',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      /other than chunked/,
    ],
    ['chunked twice', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n', /after chunked/],
    [
      'a coding after chunked',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n',
      /after chunked/,
    ],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /hexadecimal/],
    [
      'a chunk longer than its size',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n',
      /longer than its size/,
    ],
    [
      'a chunk-size line ending in a bare LF',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\n',
      /CRLF/,
    ],
    [
      'a name with a space before the colon',
      `HTTP/1.1 200 OK\r\nSet-Cookie : ${secret}\r\n\r\n`,
      /header name/,
    ],
    ['a line without a colon', 'HTTP/1.1 200 OK\r\nPVEAuthCookie=SECRET\r\n\r\n', /no name/],
    ['obsolete line folding', `HTTP/1.1 200 OK\r\nX-A: a\r\n ${secret}\r\n\r\n`, /folded/],
    ['a bare LF inside a header', `HTTP/1.1 200 OK\r\nSet-Cookie: ${secret}\nX: y\r\n\r\n`, /bare LF/],
    ['a NUL in a value', `HTTP/1.1 200 OK\r\nSet-Cookie: ${secret}\u0000\r\n\r\n`, /control characters/],
    ['a control character in the reason', 'HTTP/1.1 500 bad\u0007\r\n\r\n', /reason phrase/],
    ['101 without an upgrade', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', /101/],
    ['endless 100 Continue', 'HTTP/1.1 100 Continue\r\n\r\n'.repeat(9), /informational/],
    // Review of the parser against RFC 9112 (test/fuzz/http1-hostile.test.ts has the socket side).
    ['a four-digit status', 'HTTP/1.1 2000 X\r\n\r\n', /status line/],
    ['a status below 100', 'HTTP/1.1 099 X\r\nContent-Length: 0\r\n\r\n', /below 100/],
    ['a signed length', 'HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello', /not a number/],
    ['a hexadecimal length', 'HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello', /not a number/],
    [
      'a length beyond 2^53',
      'HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n',
      /not a number/,
    ],
    ['two lengths in one value', 'HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello', /not a number/],
    [
      'an empty member in a length list',
      'HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nhello',
      /not a number/,
    ],
    // String#trim would have dropped these at the edge of a value and accepted the length.
    [
      'a no-break space after a length',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\u00a0\r\n\r\nhello',
      /not a number/,
    ],
    [
      'a vertical tab before a length',
      'HTTP/1.1 200 OK\r\nContent-Length: \u000b5\r\n\r\nhello',
      /content-length holds control/,
    ],
    [
      'a CR at the end of a value',
      `HTTP/1.1 200 OK\r\nSet-Cookie: ${secret}\r\r\n\r\n`,
      /set-cookie holds control/,
    ],
    [
      'a form feed before a value',
      `HTTP/1.1 200 OK\r\nSet-Cookie: \f${secret}\r\n\r\n`,
      /set-cookie holds control/,
    ],
    [
      'a chunk size past 2^53',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n',
      /hexadecimal/,
    ],
    [
      'a CR inside a chunk-size line',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\r\nhello\r\n0\r\n\r\n',
      /hexadecimal/,
    ],
    [
      'a chunk without its CRLF',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n',
      /longer than its size/,
    ],
    // Nothing here decodes gzip: accepted, the caller would get the compressed bytes as the body.
    [
      'gzip before chunked',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      /other than chunked/,
    ],
    ['chunked before gzip', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', /after chunked/],
    ['identity', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nhello', /other than chunked/],
    // A bare-LF head never shows CRLF CRLF: it used to wait for the timeout.
    ['a head with bare LF line ends', 'HTTP/1.1 200 OK\nContent-Length: 5\n\nhello', /bare LF/],
    ['a last header ending in a bare LF', 'HTTP/1.1 200 OK\r\nContent-Length: 5\n\r\nhello', /bare LF/],
    ['a status line ending in a bare LF', 'HTTP/1.1 200 OK\nX: y\r\n\r\n', /bare LF/],
    ['a status line without a reason ending in a bare LF', 'HTTP/1.1 200\nX: y\r\n\r\n', /bare LF/],
  ];
  for (const [name, text, message] of refused) {
    it(name, () => {
      const error = failure([bytes(text)]);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('SECRET');
      // Split one byte at a time, the same error.
      expect(failure(oneByOne(bytes(text))).message).toBe(error.message);
    });
  }

  it('a head larger than 16 KiB, in one header or many, however it arrives', () => {
    const huge = bytes(`HTTP/1.1 200 OK\r\nX-Huge: ${'h'.repeat(HEAD_LIMIT)}\r\n\r\n`);
    expect(failure([huge]).message).toMatch(/larger than 16384 bytes/);
    expect(failure(randomSplits(huge, 7)).message).toMatch(/larger than 16384 bytes/);
    // Never ending: refused as soon as the limit is crossed, not at the blank line.
    expect(failure([bytes(`HTTP/1.1 200 OK\r\n${'X-Flood: h\r\n'.repeat(2000)}`)]).message).toMatch(/larger/);
  });

  it(`more than ${HEADER_COUNT_LIMIT} headers`, () => {
    const many = `HTTP/1.1 200 OK\r\n${'X: 1\r\n'.repeat(HEADER_COUNT_LIMIT + 1)}\r\n`;
    expect(failure([bytes(many)]).message).toMatch(/more than 256 headers/);
    const enough = `HTTP/1.1 200 OK\r\n${'X: 1\r\n'.repeat(HEADER_COUNT_LIMIT - 1)}Content-Length: 0\r\n\r\n`;
    expect(parse([bytes(enough)]).complete).toBe(true);
  });

  it('trailers larger than 16 KiB', () => {
    const text = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ${'t'.repeat(HEAD_LIMIT)}\r\n\r\n`;
    expect(failure([bytes(text)]).message).toMatch(/trailers are larger/);
  });

  it('leading zeros in a length or a chunk size, and tabs around values, are read (RFC 9112 6.3, 7.1)', () => {
    const zeros = parse([bytes('HTTP/1.1 200 OK\r\nContent-Length:\t0005\t\r\n\r\nhello')]);
    expect([zeros.body, zeros.complete]).toEqual(['hello', true]);
    const chunk = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'0'.repeat(40)}5\r\nhello\r\n0\r\n\r\n`;
    expect(parse(oneByOne(bytes(chunk))).body).toBe('hello');
    const list = parse([bytes('HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello')]);
    expect([list.body, list.complete]).toEqual(['hello', true]);
  });

  it('a close before the answer, or in its middle, says which', () => {
    // The last chunk's size line, then the close instead of the blank line that ends the trailers.
    const last = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n';
    expect(failure([bytes(last)], 'GET', true).message).toMatch(/middle of the answer/);
    expect(failure([], 'GET', true).message).toMatch(/before answering/);
    expect(failure([bytes('HTTP/1.1 200 OK\r\nContent-Le')], 'GET', true).message).toMatch(
      /before answering/,
    );
    const cut = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{"data":"\r\n';
    expect(failure([bytes(cut)], 'GET', true).message).toMatch(/middle of the answer/);
    expect(failure([bytes('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc')], 'GET', true).message).toMatch(
      /middle/,
    );
  });
});

describe('ResponseParser: one parser, many answers', () => {
  it('is reused for the next request and knows whether any byte of an answer came', () => {
    const seen: number[] = [];
    const parser = new ResponseParser({
      onHead: (status) => seen.push(status),
      onBody: () => {},
      onComplete: () => {},
    });
    for (const status of [200, 404, 500]) {
      parser.expect('GET');
      expect(parser.received).toBe(false);
      parser.execute(bytes(`HTTP/1.1 ${status} X\r\nContent-Length: 1\r\n\r\n`));
      expect(parser.received).toBe(true);
      expect(parser.done).toBe(false);
      parser.execute(bytes('x'));
      expect(parser.done).toBe(true);
    }
    expect(seen).toEqual([200, 404, 500]);
  });

  it('stop() ends the delivery of the chunk at hand', () => {
    const bodies: string[] = [];
    const parser = new ResponseParser({
      onHead: () => parser.stop(),
      onBody: (b) => bodies.push(b.toString()),
      onComplete: () => {},
    });
    parser.expect('GET');
    parser.execute(bytes('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
    expect(bodies).toEqual([]);
  });
});
