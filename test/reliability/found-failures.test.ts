/**
 * Failures found by the reliability and security work (issue 9), fixed since; kept as
 * regressions under their numbers in docs/RELIABILITY.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runLoginFaults } from '../../reliability/scenarios/login-faults.js';
import { runStall } from '../../reliability/scenarios/stall.js';
import { isConnectionError, isInvalidArgumentError, ProxmoxSDK } from '../../src/index.js';
import { parseRequest } from '../../src/simulator/engine/parse-request.js';
import { SimulatorEngine } from '../../src/simulator/index.js';

const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `a${String.fromCharCode(c)}b`);

describe('found failures, fixed', () => {
  it('F1 src/auth/ticket.ts + src/client/pipeline.ts: a login that meets a 502/503/reset is retried like a GET', async () => {
    const f = await runLoginFaults({
      clients: 200,
      concurrency: 16,
      retries: 5,
      faults: { share502: 0.025, share503: 0.025, shareReset: 0.02, latencyMs: 5, seed: 9 },
    });
    expect(f.failures).toEqual({});
  });

  it('F2 src/transports/mock.ts: timeout and AbortSignal end a stalled mock request', async () => {
    const rows = await runStall([
      { backend: 'mock', mode: 'timeout' },
      { backend: 'mock', mode: 'abort' },
    ]);
    for (const row of rows) expect(row.pass).toBe(true);
  }, 60_000);

  it('F4 src/core/encode.ts: ids and values with a lone surrogate are InvalidArgumentError, not URIError', async () => {
    await using px = new ProxmoxSDK({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
    await fc.assert(
      fc.asyncProperty(lone, async (text) => {
        let pathError: unknown;
        try {
          (px as any).nodes(text);
        } catch (error) {
          pathError = error;
        }
        expect(isInvalidArgumentError(pathError)).toBe(true);
        await expect(px.request('GET /version', { x: text } as never)).rejects.toSatisfy(
          isInvalidArgumentError,
        );
      }),
      { numRuns: 20 },
    );
  });

  it('F5 src/options/resolve.ts: a host with user:password@ is refused without quoting the password', () => {
    let thrown: unknown;
    try {
      new ProxmoxSDK({
        host: 'https://root@pam:Host-Secret-77@pve:8006',
        user: 'root@pam',
        password: 'x-123456',
      });
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidArgumentError(thrown)).toBe(true);
    expect((thrown as Error).message).not.toContain('Host-Secret-77');
  });

  it('F6 src/simulator/engine/parse-request.ts: parameters named like Object.prototype members arrive as given', () => {
    for (const name of ['valueOf', 'constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const parsed = parseRequest({
        method: 'POST',
        url: '/api2/json/cluster/options',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(`${encodeURIComponent(name)}=v`),
      });
      expect(Object.getOwnPropertyDescriptor(parsed.params, name)?.value).toBe('v');
    }
  });

  it('F7 src/transports/mock.ts: an engine answer with reset: true is a ConnectionError, as over HTTPS', async () => {
    const engine = new SimulatorEngine({ service: 'PVE' });
    const handle = engine.handle.bind(engine);
    engine.handle = async (req) => ({ ...(await handle(req)), reset: true });
    await using px = new ProxmoxSDK({
      backend: 'mock',
      engine,
      user: 'root@pam',
      password: 'proxmox',
      retries: 0,
    });
    await expect(px.request('GET /version')).rejects.toSatisfy(isConnectionError);
  });
  it('F3 src/transports/shell/local.ts: a timed-out tool leaves no process behind (its children included)', async () => {
    const [row] = await runStall([{ backend: 'local-wrapper', mode: 'timeout' }]);
    expect(row!.toolStarted).toBe(true);
    expect(row!.leftProcess).toBe(false);
  }, 60_000);

  it('F8 src/transports/ssh/connection.ts: after a timed-out or aborted call the process exits without close(), as with https', async () => {
    const rows = await runStall([
      { backend: 'ssh', mode: 'timeout' },
      { backend: 'ssh', mode: 'abort' },
    ]);
    for (const row of rows) expect(row).toMatchObject({ pass: true, toolStarted: true, leftProcess: false });
  }, 90_000);
});
