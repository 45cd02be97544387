/**
 * Hostile servers (issue 15): a raw TLS peer (reliability/lib/raw-server.ts) answers as a
 * broken or malicious server would, over a real socket, and each case says what the client
 * must do: end with a given typed error (or give the right data), within a bound, having
 * let the server write no more than a bound. The CI test (test/fuzz/hostile-servers.test.ts)
 * runs the `ci` sizes; `npm run reliability` the `full` ones, with the process's peak RSS.
 */
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import {
  brotliCompressSync,
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  deflateRawSync,
  deflateSync,
  gzipSync,
} from 'node:zlib';
import { isProxmoxError, type ProxmoxClient, ProxmoxSDK } from '../../src/index.js';
import { rawRoute } from '../../src/typed/routes.js';
import { type Behaviour, type RawServer, type RawSocket, startRawServer } from '../lib/raw-server.js';

const MiB = 1024 * 1024;

export interface HostileCase {
  name: string;
  /** What the server does, in words, for the report. */
  does: string;
  serve: Behaviour;
  /** Work before the clock starts (building a compression bomb). */
  prepare?: () => Promise<void>;
  method?: 'GET' | 'POST';
  /** Read the answer as a download (`px.files.download`) to its end. */
  download?: true;
  client?: { timeout?: number; deadline?: number; maxResponseBytes?: number; retries?: number };
  /** The outcome the client must reach: an error code, this data, or data that passes a check. */
  expect: { code: string } | { data: unknown } | { check: (data: unknown) => boolean };
  /** The call must settle within this many ms. */
  withinMs: number;
  /** The server may have written at most this many bytes before the client hung up. */
  maxWrittenBytes?: number;
  /** How many requests the server may see (a POST must not be repeated). */
  maxRequests?: number;
}

export interface HostileRow {
  name: string;
  does: string;
  /** The error code the call ended with, or 'data' when it gave data. */
  ended: string;
  message?: string;
  expected: string;
  elapsedMs: number;
  withinMs: number;
  writtenBytes: number;
  requests: number;
  /** Growth of the process's resident memory while the case ran (sampled every 20 ms). */
  peakRssGrowthMiB: number;
  pass: boolean;
}

const HEAD_200 = (extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\n${extra}`;

/** A fixed answer with a correct Content-Length. */
function answer(body: Buffer | string, headers = ''): Behaviour {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return (s) => {
    s.write(`${HEAD_200(headers)}Content-Length: ${bytes.length}\r\n\r\n`);
    s.write(bytes);
  };
}

/** Writes `total` bytes of `fill` as the socket drains, in chunked encoding when asked. */
async function pump(s: RawSocket, total: number, chunked: boolean): Promise<void> {
  const block = Buffer.alloc(MiB, 'x');
  const frame = chunked ? Buffer.from(`${block.length.toString(16)}\r\n`) : Buffer.alloc(0);
  for (let sent = 0; sent < total && !s.closed(); sent += block.length) {
    if (chunked) s.write(frame);
    const ok = s.write(block);
    if (chunked) s.write('\r\n');
    if (!ok) await s.drained();
  }
}

/**
 * `{"data":"xxxx…"}` of `size` bytes, compressed block by block before the case starts
 * (`prepare`), so that the server never holds the plain text: 1 GiB is about 1 MiB of gzip.
 */
function bomb(
  encoding: string,
  compressor: () => Transform,
  size: number,
): Pick<HostileCase, 'prepare' | 'serve'> {
  let body = Buffer.alloc(0);
  return {
    prepare: async () => {
      const z = compressor();
      const parts: Buffer[] = [];
      z.on('data', (b: Buffer) => parts.push(b));
      const done = once(z, 'end');
      const block = Buffer.alloc(MiB, 'x');
      z.write('{"data":"');
      for (let left = size; left > 0; left -= block.length) {
        if (!z.write(left >= block.length ? block : block.subarray(0, left))) await once(z, 'drain');
      }
      z.end('"}');
      await done;
      body = Buffer.concat(parts);
    },
    serve: (s, request) => answer(body, `Content-Encoding: ${encoding}\r\n`)(s, request),
  };
}

const small = { data: { ok: 1, text: 'é€' } };

/** How deep arrays nest, counted without recursion. */
function depth(value: unknown): number {
  let n = 0;
  for (let v = value; Array.isArray(v); v = v[0]) n++;
  return n;
}

export function hostileCases(scale: 'ci' | 'full'): HostileCase[] {
  const full = scale === 'full';
  // The CI sizes keep the run short with a 1 MiB limit; the full run uses the default 64 MiB.
  const limit = full ? 64 * MiB : MiB;
  const limitOption = full ? {} : { maxResponseBytes: limit };
  const flood = full ? 2048 * MiB : 64 * MiB;
  const expand = full ? 1024 * MiB : 64 * MiB;
  return [
    {
      name: 'huge answer, chunked',
      does: `{"data":" and ${flood / MiB} MiB more, no Content-Length`,
      serve: async (s) => {
        s.write(`${HEAD_200()}Transfer-Encoding: chunked\r\n\r\n9\r\n{"data":"\r\n`);
        await pump(s, flood, true);
      },
      client: limitOption,
      expect: { code: 'PROXMOX_RESPONSE_TOO_LARGE' },
      withinMs: 30_000,
      maxWrittenBytes: limit + 32 * MiB,
    },
    {
      name: 'huge answer, announced',
      does: 'Content-Length: 8 GiB, then the bytes',
      serve: async (s) => {
        s.write(`${HEAD_200()}Content-Length: ${8 * 1024 * MiB}\r\n\r\n`);
        await pump(s, flood, false);
      },
      client: limitOption,
      expect: { code: 'PROXMOX_RESPONSE_TOO_LARGE' },
      withinMs: 10_000,
      maxWrittenBytes: 32 * MiB,
    },
    {
      name: 'slow drip, body',
      does: 'a head, then one byte of body every 50 ms, forever',
      serve: (s) => {
        s.write(`${HEAD_200()}Transfer-Encoding: chunked\r\n\r\n`);
        s.every(50, () => s.write('1\r\nx\r\n'));
      },
      client: { timeout: 1_000 },
      expect: { code: 'PROXMOX_TIMEOUT' },
      withinMs: 1_000 + 2_000,
    },
    {
      name: 'slow drip, head',
      does: 'the status line and headers one byte every 50 ms, never ending',
      serve: (s) => {
        s.write('HTTP/1.1 200 OK\r\n');
        s.every(50, () => s.write('X'));
      },
      client: { timeout: 1_000 },
      expect: { code: 'PROXMOX_TIMEOUT' },
      withinMs: 1_000 + 2_000,
    },
    {
      name: 'slow drip under a deadline',
      does: 'a byte every 50 ms; timeout 60 s, deadline 1 s, 3 retries',
      serve: (s) => {
        s.write(`${HEAD_200()}Transfer-Encoding: chunked\r\n\r\n`);
        s.every(50, () => s.write('1\r\nx\r\n'));
      },
      client: { timeout: 60_000, deadline: 1_000, retries: 3 },
      expect: { code: 'PROXMOX_DEADLINE' },
      withinMs: 1_000 + 2_000,
    },
    {
      name: 'endless 100 Continue',
      does: '`HTTP/1.1 100 Continue` every 20 ms, never a final answer',
      serve: (s) => s.every(20, () => s.write('HTTP/1.1 100 Continue\r\n\r\n')),
      // undici refuses a 1xx it did not ask for (the SDK never sends Expect: 100-continue) at
      // once; a client that skipped them would have to end at its timeout instead.
      client: { timeout: 1_000 },
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 1_000 + 2_000,
    },
    {
      name: '100 Continue flood',
      does: '`HTTP/1.1 100 Continue` as fast as the client reads, never a final answer',
      serve: async (s) => {
        const burst = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'.repeat(4096));
        while (!s.closed()) if (!s.write(burst)) await s.drained();
      },
      client: { timeout: 1_000 },
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 1_000 + 3_000,
    },
    ...(
      [
        ['gzip', gzipSync, createGzip],
        ['deflate', deflateSync, createDeflate],
        // Quality 5: the default 11 takes minutes over 1 GiB, and the bomb is no smaller.
        [
          'br',
          brotliCompressSync,
          () => createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
        ],
      ] as const
    ).flatMap(([encoding, compress, compressor]): HostileCase[] => [
      {
        name: `${encoding} bomb`,
        does: `${encoding} of {"data":"x…"} expanding to ${expand / MiB} MiB (over 1000x)`,
        ...bomb(encoding, compressor, expand),
        client: limitOption,
        expect: { code: 'PROXMOX_RESPONSE_TOO_LARGE' },
        withinMs: 20_000,
      },
      {
        name: `${encoding} answer`,
        does: `a small answer in ${encoding}, unasked`,
        serve: answer(compress(Buffer.from(JSON.stringify(small))), `Content-Encoding: ${encoding}\r\n`),
        expect: { data: small.data },
        withinMs: 5_000,
      },
    ]),
    {
      name: 'raw deflate answer',
      does: 'deflate without the zlib header (as some servers send it)',
      serve: answer(deflateRawSync(Buffer.from(JSON.stringify(small))), 'Content-Encoding: deflate\r\n'),
      expect: { data: small.data },
      withinMs: 5_000,
    },
    {
      name: 'gzip download',
      does: 'a download answered in gzip, unasked',
      serve: answer(gzipSync(Buffer.from('file content')), 'Content-Encoding: gzip\r\n'),
      download: true,
      expect: { code: 'PROXMOX_ERROR' },
      withinMs: 5_000,
    },
    {
      name: 'gzip error answer of a download',
      does: 'a 500 whose error body is gzip, unasked',
      serve: (s) => {
        const body = gzipSync(Buffer.from('{"data":null,"message":"storage gone"}'));
        s.write(
          `HTTP/1.1 500 storage gone\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        s.write(body);
      },
      download: true,
      expect: { code: 'PROXMOX_RESOURCE' },
      withinMs: 5_000,
    },
    {
      name: 'corrupt gzip',
      does: 'Content-Encoding: gzip over bytes that are not gzip',
      serve: answer('{"data":"not gzip at all"}', 'Content-Encoding: gzip\r\n'),
      expect: { code: 'PROXMOX_ERROR' },
      withinMs: 5_000,
    },
    {
      name: 'unknown encoding',
      does: 'Content-Encoding: zstd (which the client cannot decode)',
      serve: answer('(\u00b5/\u00fd', 'Content-Encoding: zstd\r\n'),
      expect: { code: 'PROXMOX_ERROR' },
      withinMs: 5_000,
    },
    {
      name: 'header flood, count',
      does: '10,000 headers of 20 bytes',
      serve: (s) => {
        s.write(HEAD_200());
        for (let i = 0; i < 10_000; i++) s.write(`X-F-${i}: ${'h'.repeat(12)}\r\n`);
        s.write('Content-Length: 13\r\n\r\n{"data":"ok"}');
      },
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 5_000,
    },
    {
      name: 'header flood, endless',
      does: 'headers as fast as the client reads, never the blank line',
      serve: async (s) => {
        s.write(HEAD_200());
        const burst = Buffer.from('X-Flood: hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh\r\n'.repeat(1024));
        while (!s.closed()) if (!s.write(burst)) await s.drained();
      },
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 5_000,
      maxWrittenBytes: 16 * MiB,
    },
    {
      name: 'one huge header',
      does: 'a single 1 MiB header value',
      serve: answer('{"data":"ok"}', `X-Huge: ${'h'.repeat(MiB)}\r\n`),
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 5_000,
    },
    {
      name: 'bad UTF-8',
      does: 'a JSON string with bytes that are not UTF-8 (ff fe c3)',
      serve: answer(
        Buffer.concat([Buffer.from('{"data":"a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('b"}')]),
      ),
      expect: { data: 'a\ufffd\ufffd\ufffdb' },
      withinMs: 5_000,
    },
    {
      name: 'invalid JSON',
      does: 'application/json that ends in the middle: {"data":[1,2',
      serve: answer('{"data":[1,2'),
      expect: { code: 'PROXMOX_ERROR' },
      withinMs: 5_000,
    },
    {
      name: 'deep JSON',
      does: '{"data": and 1,000,000 nested arrays',
      serve: answer(`{"data":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`),
      client: { maxResponseBytes: 4 * MiB },
      // V8's JSON.parse is not recursive: the nesting arrives whole, without a stack overflow.
      expect: { check: (data) => depth(data) === 1_000_000 },
      withinMs: 10_000,
    },
    {
      name: 'chunked body cut short',
      does: 'one chunk of a chunked body, then the connection closes (no last chunk)',
      serve: (s) => {
        s.write(`${HEAD_200()}Transfer-Encoding: chunked\r\n\r\n9\r\n{"data":"\r\n`);
        setTimeout(() => s.end(), 50);
      },
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 5_000,
    },
    {
      name: 'bad chunk size',
      does: 'a chunk size that is not hex',
      serve: (s) => s.write(`${HEAD_200()}Transfer-Encoding: chunked\r\n\r\nzz\r\n{"data":1}\r\n0\r\n\r\n`),
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 5_000,
    },
    // A GET is repeated (safe), a POST may have run, so it is sent once only.
    ...(['GET', 'POST'] as const).map(
      (method): HostileCase => ({
        name: `reset mid-body, ${method}`,
        does: 'Content-Length 1000, 100 bytes, then a TCP reset; 2 retries',
        method,
        serve: (s) => {
          s.write(`${HEAD_200()}Content-Length: 1000\r\n\r\n{"data":"${'x'.repeat(91)}`);
          setTimeout(() => s.reset(), 50);
        },
        client: { retries: 2 },
        expect: { code: 'PROXMOX_CONNECTION' },
        withinMs: 10_000,
        maxRequests: method === 'GET' ? 3 : 1,
      }),
    ),
    {
      name: 'conflicting Content-Length',
      does: 'two Content-Length headers that disagree',
      serve: (s) => s.write(`${HEAD_200()}Content-Length: 13\r\nContent-Length: 5\r\n\r\n{"data":"ok"}`),
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 5_000,
    },
    {
      name: 'not HTTP',
      does: 'an SSH banner instead of a status line',
      serve: (s) => s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'),
      client: { timeout: 2_000 },
      expect: { code: 'PROXMOX_CONNECTION' },
      withinMs: 5_000,
    },
  ];
}

function client(server: RawServer, options: HostileCase['client'] = {}): ProxmoxClient<'PVE'> {
  return new ProxmoxSDK({
    host: server.host,
    fingerprint: server.fingerprint,
    user: 'root@pam',
    tokenName: 'hostile',
    tokenValue: 'hostile-token-value-0003',
    retries: 0,
    timeout: 10_000,
    ...options,
  });
}

/** Runs each case in turn against one raw server. */
export async function runHostileServers(cases: readonly HostileCase[]): Promise<HostileRow[]> {
  const server = await startRawServer();
  const rows: HostileRow[] = [];
  try {
    for (const c of cases) rows.push(await runHostileCase(server, c));
  } finally {
    await server.close();
  }
  return rows;
}

/** One case against a running raw server: the row says what happened and whether it passed. */
export async function runHostileCase(server: RawServer, c: HostileCase): Promise<HostileRow> {
  await c.prepare?.();
  const path = server.serve(c.serve);
  const px = client(server, c.client);
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  let ended: string;
  let message: string | undefined;
  let data: unknown;
  try {
    if (c.download) {
      const { stream } = await px.files.download(path);
      for await (const _ of stream) {
        // read to the end
      }
    } else {
      data = await px.request(rawRoute(`${c.method ?? 'GET'} ${path}` as `GET /${string}`));
    }
    ended = 'data';
  } catch (error) {
    ended = isProxmoxError(error) ? error.code : `untyped ${(error as Error)?.name}`;
    message = (error as Error)?.message;
  }
  const elapsedMs = Math.round(performance.now() - started);
  clearInterval(sampler);
  await px.close();
  const written = server.written(path);
  const requests = server.requests(path);
  const expected = 'code' in c.expect ? c.expect.code : 'data';
  const rightData =
    'data' in c.expect
      ? JSON.stringify(data) === JSON.stringify(c.expect.data)
      : 'check' in c.expect
        ? ended === 'data' && c.expect.check(data)
        : true;
  const pass =
    ended === expected &&
    rightData &&
    elapsedMs <= c.withinMs &&
    (c.maxWrittenBytes === undefined || written <= c.maxWrittenBytes) &&
    (c.maxRequests === undefined || requests <= c.maxRequests);
  return {
    name: c.name,
    does: c.does,
    ended,
    ...(message === undefined ? {} : { message: message.slice(0, 200) }),
    expected,
    elapsedMs,
    withinMs: c.withinMs,
    writtenBytes: written,
    requests,
    peakRssGrowthMiB: Math.round((peak - rssBefore) / MiB),
    pass,
  };
}
