/**
 * Issue 15.1: answers too large or too slow to hold. Before the fix, `{"data":"` followed by
 * 600 MiB never settled (the decode failed inside undici's callback, after the exchange was
 * marked done) and 2 GiB aborted Node. Each call must end with a typed error, soon, having
 * read no more than the limit: the server counts the bytes it got out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProxmoxError, type ProxmoxClient, ProxmoxSDK } from '../../src/index.js';
import { rawRoute } from '../../src/typed/routes.js';
import { type Answer, type HostileServer, startHostile } from './hostile-server.js';

const MiB = 1024 * 1024;
let server: HostileServer;

beforeAll(async () => {
  server = await startHostile();
});
afterAll(async () => {
  await server.close();
});

function client(options: { maxResponseBytes?: number; timeout?: number } = {}): ProxmoxClient<'PVE'> {
  return new ProxmoxSDK({
    host: server.host,
    fingerprint: server.fingerprint,
    user: 'root@pam',
    tokenName: 'hostile',
    tokenValue: 'hostile-secret-0002',
    retries: 0,
    timeout: 10_000,
    ...options,
  });
}

async function failure(px: ProxmoxClient<'PVE'>, path: string): Promise<{ code: string; message: string }> {
  try {
    await px.request(rawRoute(`GET ${path}` as `GET /${string}`));
  } catch (error) {
    expect(isProxmoxError(error)).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error(`GET ${path}: expected a failure`);
}

describe('answers larger than maxResponseBytes', () => {
  it('600 MiB without a Content-Length ends at the default 64 MiB, having read little more', async () => {
    await using px = client();
    const path = server.answer({ kind: 'flood', bytes: 600 * MiB });
    const error = await failure(px, path);
    expect(error).toMatchObject({ code: 'PROXMOX_RESPONSE_TOO_LARGE', limitBytes: 64 * MiB });
    expect(error.message).toContain('maxResponseBytes');
    // Socket buffers on both sides hold a few MiB; the server never got near 600.
    expect(server.written(path)).toBeLessThan(100 * MiB);
  }, 60_000);

  it('an announced 2 GiB is refused at the head, before the body', async () => {
    await using px = client();
    const path = server.answer({ kind: 'promise', length: 2 * 1024 * MiB });
    const error = await failure(px, path);
    expect(error.code).toBe('PROXMOX_RESPONSE_TOO_LARGE');
    expect(error.message).toContain(String(2 * 1024 * MiB));
  });

  it('an announced 2 GiB that does come is refused after a few MiB', async () => {
    await using px = client();
    const path = server.answer({ kind: 'flood', bytes: 2 * 1024 * MiB, announce: true });
    expect((await failure(px, path)).code).toBe('PROXMOX_RESPONSE_TOO_LARGE');
    expect(server.written(path)).toBeLessThan(32 * MiB);
  });

  it('the option sets the limit: 1 MiB passes 1 MiB - 12 bytes of data and refuses one byte more', async () => {
    await using px = client({ maxResponseBytes: MiB });
    // `{"data":"` + x... + `"}` is 11 bytes of envelope.
    const fits = await px.request(
      rawRoute(`GET ${server.answer({ kind: 'flood', bytes: MiB - 11 })}` as `GET /${string}`),
    );
    expect((fits as string).length).toBe(MiB - 11);
    const over = await failure(px, server.answer({ kind: 'flood', bytes: MiB - 10 }));
    expect(over).toMatchObject({ code: 'PROXMOX_RESPONSE_TOO_LARGE', limitBytes: MiB });
  });

  it('the limit also bounds error answers of a download', async () => {
    await using px = client({ maxResponseBytes: 4096 });
    const big = Buffer.from(JSON.stringify({ data: null, message: 'x'.repeat(10_000) }));
    const path = server.answer({ kind: 'raw', status: 500, headers: {}, body: big });
    await expect(px.files.download(path)).rejects.toMatchObject({ code: 'PROXMOX_RESPONSE_TOO_LARGE' });
  });

  it('maxResponseBytes is checked at construction', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 40, '64']) {
      expect(() => client({ maxResponseBytes: bad as number })).toThrow(/option maxResponseBytes: expected/);
    }
  });
});

describe('slow answers', () => {
  const slow = async (answer: Answer, timeout: number) => {
    await using px = client({ timeout });
    const started = Date.now();
    const error = await failure(px, server.answer(answer));
    return { error, elapsed: Date.now() - started };
  };

  it('a trickle that would outlast the timeout is cut off by it (the timer runs while the body streams)', async () => {
    const { error, elapsed } = await slow({ kind: 'endless' }, 800);
    expect(error.code).toBe('PROXMOX_TIMEOUT');
    expect(error.message).toContain('no complete answer within 800 ms');
    expect(elapsed).toBeLessThan(5_000);
  });

  it('a head that promises a body which never comes ends at the timeout', async () => {
    const { error } = await slow({ kind: 'promise', length: 100 }, 500);
    expect(error.code).toBe('PROXMOX_TIMEOUT');
  });

  it('a server that reads the request and never answers ends at the timeout', async () => {
    const { error } = await slow({ kind: 'silent' }, 500);
    expect(error.code).toBe('PROXMOX_TIMEOUT');
  });
});

describe('header floods', () => {
  it('headers beyond 16 KiB end the call as a ConnectionError; a few large ones are fine', async () => {
    await using px = client();
    const ok = await px.request(
      rawRoute(`GET ${server.answer({ kind: 'headers', count: 8, size: 1000 })}` as `GET /${string}`),
    );
    expect(ok).toBe('ok');
    const error = await failure(px, server.answer({ kind: 'headers', count: 2000, size: 100 }));
    expect(error.code).toBe('PROXMOX_CONNECTION');
  });
});
