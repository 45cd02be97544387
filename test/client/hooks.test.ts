/**
 * Hooks, diagnostics_channel events and the debug log (issue 19.4) against the HTTPS
 * simulator: they see every attempt, and no secret reaches any of them (password, ticket,
 * CSRF token, the secret of a token created through the API, the client's token secret).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/client/hooks.js';
import type { RequestRecord, ResponseRecord } from '../../src/core/hook-types.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ service: 'PVE' });
});
afterAll(() => sim.close());

interface Seen {
  hooks: unknown[];
  channel: unknown[];
  debug: string[];
}

function observe(): { seen: Seen; options: object; stop: () => void } {
  const seen: Seen = { hooks: [], channel: [], debug: [] };
  const onChannel = (message: unknown) => void seen.channel.push(message);
  subscribe(CHANNELS.request, onChannel);
  subscribe(CHANNELS.response, onChannel);
  return {
    seen,
    options: {
      host: `${sim.host}:${sim.port}`,
      fingerprint: sim.fingerprint,
      hooks: {
        beforeRequest: [(r: RequestRecord) => void seen.hooks.push(r)],
        afterResponse: [(r: ResponseRecord) => void seen.hooks.push(r)],
      },
      debug: (line: string) => void seen.debug.push(line),
    },
    stop: () => {
      unsubscribe(CHANNELS.request, onChannel);
      unsubscribe(CHANNELS.response, onChannel);
    },
  };
}

function dump(seen: Seen): string {
  // Errors' message and cause are not enumerable: spell them out so they are checked too.
  const errors = (value: unknown) =>
    value instanceof Error ? { ...value, message: value.message, cause: value.cause } : value;
  return JSON.stringify(seen, (_k, v) => errors(v));
}

describe('hooks, channels and debug log', () => {
  it('ticket login: records every attempt, with password, ticket and CSRF token masked', async () => {
    const { seen, options, stop } = observe();
    const px = new ProxmoxSDK({ ...options, user: 'root@pam', password: 'proxmox' });
    await px.nodes.get();
    // A POST carries the CSRF token; creating a token answers its secret as `value`.
    const created = (await px.access.users('root@pam').token('hooks').post({ privsep: 0 })) as {
      value: string;
    };
    const login = (await px.request('POST /access/ticket', {
      username: 'root@pam',
      password: 'proxmox',
    })) as {
      ticket: string;
      CSRFPreventionToken: string;
    };
    await px.close();
    stop();
    const text = dump(seen);
    // The simulator's root password is `proxmox`, also the prefix of every debug line: look
    // for it as a whole JSON string, or after `=`/`:` as in a header or a query.
    for (const leak of ['"proxmox"', '=proxmox', ':proxmox']) expect(text).not.toContain(leak);
    for (const secret of [login.ticket, login.CSRFPreventionToken, created.value]) {
      expect(secret.length).toBeGreaterThan(3);
      expect(text).not.toContain(secret);
    }
    // The shape stays: which header, which cookie, which field.
    expect(text).toContain('PVEAuthCookie=***');
    expect(text).toContain('"csrfpreventiontoken":"***"');
    expect(text).toContain('"ticket":"***"');
    const before = seen.hooks.filter((r) => !('durationMs' in (r as object))) as RequestRecord[];
    expect(before.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /access/ticket',
      'GET /nodes',
      'POST /access/users/root%40pam/token/hooks',
      'POST /access/ticket',
    ]);
    expect(before[0]!.login).toBe(true);
    expect(seen.channel).toHaveLength(seen.hooks.length);
    expect(seen.debug.some((l) => l.startsWith('proxmox-sdk < GET /nodes 200'))).toBe(true);
  });

  it('token auth: the token secret is masked in the Authorization header and in failures', async () => {
    const { seen, options, stop } = observe();
    const secret = 'b7a5c0de-1111-2222-3333-444455556666';
    const px = new ProxmoxSDK({ ...options, user: 'root@pam', tokenName: 'nope', tokenValue: secret });
    await expect(px.nodes.get()).rejects.toMatchObject({ code: 'PROXMOX_AUTH' });
    await px.close();
    stop();
    const text = dump(seen);
    expect(text).not.toContain(secret);
    expect(text).toContain('PVEAPIToken=root@pam!nope=***');
  });

  it('a beforeRequest hook that throws fails the call before anything is sent', async () => {
    const { options, stop } = observe();
    const veto = new Error('not in production');
    const px = new ProxmoxSDK({
      ...options,
      user: 'root@pam',
      tokenName: 't',
      tokenValue: 'x-y',
      hooks: {
        beforeRequest: [
          () => {
            throw veto;
          },
        ],
      },
    });
    const calls = sim.engine.stats.requests;
    await expect(px.version.get()).rejects.toBe(veto);
    await px.close();
    stop();
    expect(sim.engine.stats.requests).toBe(calls);
  });

  it('PROXMOX_DEBUG turns the log on; hooks are checked at construction', async () => {
    const { debugFromEnv } = await import('../../src/client/hooks.js');
    expect(debugFromEnv({ PROXMOX_DEBUG: '1' })).toBe(true);
    expect(debugFromEnv({ PROXMOX_DEBUG: '0' })).toBe(false);
    expect(debugFromEnv({})).toBe(false);
    expect(
      () =>
        new ProxmoxSDK({
          backend: 'mock',
          user: 'root@pam',
          password: 'x1234',
          hooks: { before: [] } as never,
        }),
    ).toThrow(/option hooks: expected an object with beforeRequest and afterResponse/);
  });

  it('PROXMOX_DEBUG=1 writes the masked log to stderr for a client without the option', async () => {
    const secret = 'c0ffee00-aaaa-bbbb-cccc-ddddeeeeffff';
    const lines: string[] = [];
    const write = process.stderr.write;
    process.env.PROXMOX_DEBUG = '1';
    // Capture what the client writes to stderr, and nothing else: the write is restored below.
    process.stderr.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const px = new ProxmoxSDK({
        host: `${sim.host}:${sim.port}`,
        fingerprint: sim.fingerprint,
        user: 'root@pam',
        tokenName: 'nope',
        tokenValue: secret,
      });
      await expect(px.version.get()).rejects.toMatchObject({ code: 'PROXMOX_AUTH' });
      await px.close();
    } finally {
      process.stderr.write = write;
      delete process.env.PROXMOX_DEBUG;
    }
    expect(lines).toEqual([
      'proxmox-sdk > GET /version\n',
      expect.stringMatching(/^proxmox-sdk < GET \/version 401 /),
    ]);
    expect(lines.join('')).not.toContain(secret);
  });
});
