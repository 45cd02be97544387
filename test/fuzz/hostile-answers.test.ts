/**
 * Server answers a client must survive (issue 9): whatever comes back, the call ends with
 * the right result or a typed ProxmoxError subclass; never a crash, a hang (every call is
 * bounded by `timeout`) or a success that is not the server's `{data}`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProxmoxError, type ProxmoxClient, ProxmoxSDK } from '../../src/index.js';
import { rawRoute } from '../../src/typed/routes.js';
import { type Answer, type HostileServer, startHostile } from './hostile-server.js';

let server: HostileServer;
let px: ProxmoxClient<'PVE'>;

beforeAll(async () => {
  server = await startHostile();
  px = new ProxmoxSDK({
    host: server.host,
    fingerprint: server.fingerprint,
    user: 'root@pam',
    tokenName: 'hostile',
    tokenValue: 'hostile-secret-0001',
    retries: 0,
    timeout: 1000,
  });
});
afterAll(async () => {
  await px.close();
  await server.close();
});

type Expect = { ok: unknown } | { code: string; status?: number };

const JSON_TYPE = { 'content-type': 'application/json;charset=UTF-8' };
const HTML_TYPE = { 'content-type': 'text/html' };
const proxyPage = (status: number) =>
  `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;
const raw = (status: number, headers: Record<string, string>, body: string | Buffer): Answer => ({
  kind: 'raw',
  status,
  headers,
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

const pair = (answer: Answer, expected: Expect): [Answer, Expect] => [answer, expected];

/** The typed error a status >= 400 must become. */
function errorFor(status: number): Expect {
  return status === 401 ? { code: 'PROXMOX_AUTH' } : { code: 'PROXMOX_RESOURCE', status };
}

const errorStatus = fc.constantFrom(400, 401, 403, 404, 500, 501, 502, 503, 504, 595);

/** Pairs of (what the server sends, what the client must make of it). */
const cases: fc.Arbitrary<[Answer, Expect]> = fc.oneof(
  // A correct envelope, also under a wrong content type: the data, exactly.
  fc
    .tuple(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(JSON_TYPE, HTML_TYPE, {}))
    .map(([data, type]) =>
      pair(raw(200, type, JSON.stringify({ data })), { ok: JSON.parse(JSON.stringify(data)) }),
    ),
  // Malformed JSON.
  fc
    .tuple(
      fc.constantFrom('{"data": [1, 2', '{data: 1}', '{"data":1}}', '{"data":', '[', '{'),
      fc.constantFrom(200, 201),
    )
    .map(([body, status]) => pair(raw(status, JSON_TYPE, body), { code: 'PROXMOX_ERROR' })),
  fc
    .tuple(fc.constantFrom('{"data": [1, 2', '<html>', 'oops'), errorStatus)
    .map(([body, status]) => pair(raw(status, JSON_TYPE, body), errorFor(status))),
  // JSON that is no Proxmox envelope.
  fc
    .oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })))
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('data' in v))
    .map((v) => pair(raw(200, JSON_TYPE, JSON.stringify(v)), { code: 'PROXMOX_ERROR' })),
  // A reverse proxy's HTML page, with any status.
  fc
    .constantFrom(200, 400, 401, 403, 404, 500, 502, 503, 504)
    .map((status) =>
      pair(
        raw(status, HTML_TYPE, proxyPage(status)),
        status === 200 ? { code: 'PROXMOX_ERROR' } : errorFor(status),
      ),
    ),
  // Empty bodies.
  fc
    .tuple(fc.constantFrom(200, 201, 400, 401, 500, 502), fc.constantFrom(JSON_TYPE, {}))
    .map(([status, type]) =>
      pair(raw(status, type, ''), status < 300 ? { code: 'PROXMOX_ERROR' } : errorFor(status)),
    ),
  // A proper Proxmox error envelope.
  fc
    .tuple(errorStatus, fc.string({ maxLength: 40 }))
    .map(([status, message]) =>
      pair(
        raw(
          status,
          JSON_TYPE,
          JSON.stringify({ data: null, message: `${message}\n`, errors: { vmid: 'bad' } }),
        ),
        errorFor(status),
      ),
    ),
  // Bodies cut short and connections dropped.
  fc
    .tuple(fc.constantFrom(200, 500), fc.constantFrom('', '{"data":', '{"data":{"a":1}}'))
    .map(([status, body]) =>
      pair({ kind: 'cut', status, body: Buffer.from(body) }, { code: 'PROXMOX_CONNECTION' }),
    ),
  fc.constant(pair({ kind: 'reset' }, { code: 'PROXMOX_CONNECTION' })),
);

async function outcome(method: 'GET' | 'POST', path: string): Promise<{ ok: unknown } | { error: unknown }> {
  try {
    return { ok: await px.request(rawRoute(`${method} ${path}` as `GET /${string}`)) };
  } catch (error) {
    return { error };
  }
}

function check(got: { ok: unknown } | { error: unknown }, want: Expect): void {
  if ('ok' in want) {
    expect(got).toEqual({ ok: want.ok });
    return;
  }
  expect('error' in got).toBe(true);
  const error = (got as { error: unknown }).error;
  expect(isProxmoxError(error)).toBe(true);
  expect((error as { code: string }).code).toBe(want.code);
  if (want.status !== undefined) expect((error as { statusCode: number }).statusCode).toBe(want.status);
}

describe('hostile server answers', () => {
  it('end in the right result or the right typed error (GET and POST)', async () => {
    await fc.assert(
      fc.asyncProperty(
        cases,
        fc.constantFrom('GET', 'POST') as fc.Arbitrary<'GET' | 'POST'>,
        async ([a, want], m) => {
          check(await outcome(m, server.answer(a)), want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a non-UTF-8 byte is decoded with a replacement character, not a crash', async () => {
    const body = Buffer.concat([Buffer.from('{"data":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    check(await outcome('GET', server.answer(raw(200, JSON_TYPE, body))), { ok: 'a\ufffd\ufffdb' });
    // Invalid UTF-8 in an error page still gives a ResourceException.
    const page = Buffer.concat([
      Buffer.from('<html>'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('</html>'),
    ]);
    check(await outcome('GET', server.answer(raw(502, HTML_TYPE, page))), errorFor(502));
  });

  it('a huge body is read whole and decoded', async () => {
    const big = 'x'.repeat(16 * 1024 * 1024);
    const got = await outcome('GET', server.answer(raw(200, JSON_TYPE, JSON.stringify({ data: big }))));
    expect('ok' in got && (got.ok as string).length).toBe(big.length);
  });

  it('a body that never ends is cut off by the timeout', async () => {
    check(await outcome('GET', server.answer({ kind: 'endless' })), { code: 'PROXMOX_TIMEOUT' });
  });
});
