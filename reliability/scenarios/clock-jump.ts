/**
 * The server's clock jumps past ticket expiry mid-run (issue 9): with requests in flight,
 * every request still succeeds, and exactly one new login serves them all.
 */
import { ProxmoxSDK } from '../../src/index.js';
import { countCodes, runPool } from '../lib/pool.js';
import { clientOptions, startPve } from '../lib/sim.js';

export interface ClockJumpOptions {
  requests: number;
  concurrency: number;
  /** The jump happens after this many requests were started. */
  jumpAfter: number;
}

export interface ClockJumpFigures {
  requests: number;
  ok: number;
  failures: Record<string, number>;
  /** Password logins and ticket renewals the server saw after the jump. */
  loginsAfterJump: number;
  renewalsAfterJump: number;
}

/** Past the 2 h lifetime and the 5 min skew allowance. */
const JUMP_MS = 2 * 3_600_000 + 10 * 60_000;

export async function runClockJump(o: ClockJumpOptions): Promise<ClockJumpFigures> {
  const sim = await startPve();
  const engine = sim.engine;
  const px = new ProxmoxSDK(clientOptions(sim, 'ticket'));
  try {
    await px.login();
    let logins = 0;
    let renewals = 0;
    const results = await runPool(o.requests, o.concurrency, async (i) => {
      if (i === o.jumpAfter) {
        logins = engine.stats.logins;
        renewals = engine.stats.renewals;
        engine.clock.advance(JUMP_MS);
      }
      return i % 4 === 3
        ? px.request('POST /nodes/{node}/qemu', { node: 'pve2', vmid: 400_000 + i, memory: 256 })
        : px.request(i % 2 === 0 ? 'GET /version' : 'GET /nodes');
    });
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    return {
      requests: o.requests,
      ok: o.requests - failures.length,
      failures: countCodes(failures),
      loginsAfterJump: engine.stats.logins - logins,
      renewalsAfterJump: engine.stats.renewals - renewals,
    };
  } finally {
    await px.close();
    await sim.close();
  }
}
