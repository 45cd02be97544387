/**
 * The pipeline's retry rule, over real sockets: which failures are repeated for which
 * methods (issue 20.3), Retry-After honoured, and the overall deadline (issue 15.8).
 * Attempts are counted with the client's own afterResponse hook, which also sees failures
 * that never reached the server.
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseRecord } from '../../src/core/hook-types.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';
import { type FakeServer, fakeOptions, raw, startFake } from '../fake-proxmox.js';

type Failure = 'refused' | 'reset' | '502' | '503 Retry-After: 1' | 'certificate';
type Method = 'GET' | 'POST' | 'POST retry:true';

let fake: FakeServer;
let refusedPort: number;
let tlsPort: number;
let tlsClose: () => Promise<void>;

beforeAll(async () => {
  fake = await startFake();
  const answer = (failure: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
    if (failure === 'reset') {
      res.socket?.destroy();
      return new Promise(() => {}); // the connection is gone; nothing more to answer
    }
    if (failure === '502') return raw(502, '{"data":null}');
    return raw(503, '{"data":null}', { 'retry-after': '1' });
  };
  for (const failure of ['reset', '502', '503']) {
    fake.route(`GET /${failure}`, answer(failure));
    fake.route(`POST /${failure}`, answer(failure));
  }
  fake.route('GET /hang', () => new Promise(() => {}));
  // A port that was free a moment ago: connecting is refused before a byte is sent.
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refusedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  // A TLS server whose self-signed certificate the client does not trust.
  const cert = await simulatorCertificate();
  const tls = createHttpsServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.end('{"data":1}'));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  tlsPort = (tls.address() as AddressInfo).port;
  tlsClose = () => new Promise((resolve) => tls.close(() => resolve()));
});
afterAll(async () => {
  await fake.close();
  await tlsClose();
});

function clientFor(failure: Failure, attempts: ResponseRecord[]) {
  const base = {
    ...fakeOptions(fake),
    retries: 2,
    hooks: { afterResponse: [(r: ResponseRecord) => void attempts.push(r)] },
  };
  if (failure === 'refused') return new ProxmoxSDK({ ...base, host: `http://127.0.0.1:${refusedPort}` });
  if (failure === 'certificate') {
    const { allowInsecureHttp: _a, ...tlsBase } = base;
    return new ProxmoxSDK({ ...tlsBase, host: `https://127.0.0.1:${tlsPort}` });
  }
  return new ProxmoxSDK(base);
}

const routeOf = (failure: Failure) => `/${failure.split(' ')[0]}`;

// method x failure -> attempts made (1 = not retried, 3 = retried up to retries: 2).
const TABLE: Array<[Method, Failure, number]> = [
  ['GET', 'refused', 3],
  ['POST', 'refused', 3], // never sent, so safe to send again
  ['GET', 'reset', 3],
  ['POST', 'reset', 1], // may have reached the server: a POST is not repeated blindly
  ['POST retry:true', 'reset', 3],
  ['GET', '502', 3],
  ['POST', '502', 1],
  ['POST retry:true', '502', 3],
  ['GET', '503 Retry-After: 1', 3],
  ['POST', '503 Retry-After: 1', 1],
  ['GET', 'certificate', 1], // an untrusted certificate stays untrusted
  ['POST retry:true', 'certificate', 1],
];

describe('retry rule: method x failure', () => {
  it.each(TABLE)('%s with %s: %i attempt(s)', async (method, failure, expected) => {
    const attempts: ResponseRecord[] = [];
    const px = clientFor(failure, attempts);
    const verb = method === 'GET' ? 'GET' : 'POST';
    const options = method === 'POST retry:true' ? { retry: true } : {};
    await expect(px.request(`${verb} ${routeOf(failure)}` as never, {}, options)).rejects.toMatchObject({
      code:
        failure === 'refused' || failure === 'reset' || failure === 'certificate'
          ? 'PROXMOX_CONNECTION'
          : 'PROXMOX_RESOURCE',
    });
    await px.close();
    expect(attempts).toHaveLength(expected);
    if (failure === 'refused' || failure === 'certificate') {
      expect(attempts[0]!.error).toMatchObject({ sent: 'no', certificate: failure === 'certificate' });
    }
    if (failure === 'reset') expect(attempts[0]!.error).toMatchObject({ sent: 'maybe', certificate: false });
  });

  it('waits the Retry-After the server asks for between attempts', async () => {
    const starts: number[] = [];
    const px = new ProxmoxSDK({
      ...fakeOptions(fake),
      retries: 1,
      hooks: { beforeRequest: [() => void starts.push(performance.now())] },
    });
    await expect(px.request('GET /503' as never)).rejects.toMatchObject({ statusCode: 503 });
    await px.close();
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(950);
  });
});

describe('overall deadline (issue 15.8)', () => {
  it('503 with Retry-After: 999999 and timeout 2000 is not waited for: the answer stands at once', async () => {
    fake.route('GET /busy', () => raw(503, '{"data":null}', { 'retry-after': '999999' }));
    const before = fake.requests.length;
    const px = new ProxmoxSDK({ ...fakeOptions(fake), timeout: 2000, retries: 3 });
    await expect(px.request('GET /busy' as never)).rejects.toMatchObject({
      code: 'PROXMOX_RESOURCE',
      statusCode: 503,
    });
    await px.close();
    expect(fake.requests.length - before).toBe(1);
  });

  it('a Retry-After that would outlast the deadline ends the call with DeadlineError, the 503 as cause', async () => {
    const px = new ProxmoxSDK({ ...fakeOptions(fake), retries: 3, deadline: 1500 });
    const error = await px.request('GET /503' as never).catch((e: unknown) => e);
    await px.close();
    expect(error).toMatchObject({ code: 'PROXMOX_DEADLINE', method: 'GET', path: '/503' });
    expect((error as Error).cause).toMatchObject({ code: 'PROXMOX_RESOURCE', statusCode: 503 });
  });

  it('a call deadline cuts an attempt shorter than timeout, and wins over the client deadline', async () => {
    const px = new ProxmoxSDK({ ...fakeOptions(fake), timeout: 30_000, deadline: 60_000 });
    const error = await px.request('GET /hang' as never, {}, { deadline: 300 }).catch((e: unknown) => e);
    await px.close();
    expect(error).toMatchObject({ code: 'PROXMOX_DEADLINE' });
    expect((error as Error).cause).toMatchObject({ code: 'PROXMOX_TIMEOUT' });
  });

  it('a call timeout longer than the client deadline brings room for its attempts', async () => {
    const px = new ProxmoxSDK({ ...fakeOptions(fake), retries: 1, deadline: 100 });
    const error = await px.request('GET /hang' as never, {}, { timeout: 400 }).catch((e: unknown) => e);
    await px.close();
    expect(error).toMatchObject({ code: 'PROXMOX_TIMEOUT' });
  });

  it('is an option checked at construction', () => {
    expect(() => new ProxmoxSDK({ ...fakeOptions(fake), deadline: -1 })).toThrow(
      'option deadline: expected a positive number of milliseconds',
    );
  });
});
