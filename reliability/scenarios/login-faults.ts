/**
 * Logins meet the same faults as API calls (issue 9): many fresh clients, each logging in
 * and making one GET through a proxy that answers 502/503 or resets now and then. A
 * password login (POST /access/ticket) changes nothing on the server, so a client can
 * repeat it safely; this scenario counts how many first GETs fail because their login did.
 */
import { ProxmoxSDK } from '../../src/index.js';
import { type InjectedFaults, injectFaults } from '../lib/fault-injector.js';
import { countCodes, runPool } from '../lib/pool.js';
import { clientOptions, startPve } from '../lib/sim.js';

export interface LoginFaultOptions {
  clients: number;
  concurrency: number;
  faults: InjectedFaults;
  retries?: number;
}

export interface LoginFaultFigures {
  clients: number;
  retries: number | 'default';
  ok: number;
  failures: Record<string, number>;
  /** Failures whose message says the login (not the GET) failed. */
  loginFailures: number;
  loginAttempts: number;
}

export async function runLoginFaults(o: LoginFaultOptions): Promise<LoginFaultFigures> {
  const sim = await startPve();
  const faults = injectFaults(sim.engine, o.faults);
  try {
    const results = await runPool(o.clients, o.concurrency, async () => {
      await using px = new ProxmoxSDK({
        ...clientOptions(sim, 'ticket'),
        ...(o.retries === undefined ? {} : { retries: o.retries }),
      });
      return await px.request('GET /version');
    });
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    return {
      clients: o.clients,
      retries: o.retries ?? 'default',
      ok: o.clients - failures.length,
      failures: countCodes(failures),
      loginFailures: failures.filter((e) => /log in|\/access\/ticket/.test(e.message)).length,
      loginAttempts: sim.engine.stats.byRoute['POST /access/ticket'] ?? 0,
    };
  } finally {
    faults.remove();
    await sim.close();
  }
}
