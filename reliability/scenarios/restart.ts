/**
 * The server restarts mid-run (issue 9): the HTTPS server closes with requests in flight
 * and a new one starts on the same port with the same engine (same tickets, same state).
 * In-flight requests end with ConnectionError (or succeed through a GET retry once the
 * server is back); no POST reaches the server twice; requests after the restart succeed
 * without a new login.
 */
import { ProxmoxSDK } from '../../src/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { injectFaults, repeatedPosts } from '../lib/fault-injector.js';
import { countCodes } from '../lib/pool.js';
import { clientOptions, startPve } from '../lib/sim.js';

export interface RestartOptions {
  /** Requests started just before the server goes down (half GET, half POST). */
  inFlight: number;
  /** Requests sent after the new server is listening. */
  after: number;
  /** How long the port stays closed. */
  downtimeMs: number;
}

export interface RestartFigures {
  inFlight: number;
  inFlightOk: number;
  inFlightFailures: Record<string, number>;
  during: number;
  duringOk: number;
  duringFailures: Record<string, number>;
  after: number;
  afterOk: number;
  afterFailures: Record<string, number>;
  postRepeats: number;
  newLogins: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Outcome = { ok: true } | { ok: false; error: unknown };
const settle = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => ({ ok: true }) as const,
    (error: unknown) => ({ ok: false, error }) as const,
  );

function tally(outcomes: Outcome[]) {
  const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
  return { ok: outcomes.length - failures.length, failures: countCodes(failures) };
}

export async function runRestart(o: RestartOptions): Promise<RestartFigures> {
  let sim = await startPve();
  const engine = sim.engine;
  // Slow answers keep the first wave in flight when the server goes down.
  const faults = injectFaults(engine, { latencyMs: 400, seed: 3 });
  const px = new ProxmoxSDK(clientOptions(sim, 'ticket'));
  let vmid = 300_000;
  const call = (i: number) =>
    i % 2 === 0
      ? px.request('GET /nodes/{node}/qemu', { node: 'pve1' })
      : px.request('POST /nodes/{node}/qemu', { node: 'pve1', vmid: vmid++, memory: 256 });
  try {
    await px.login();
    const logins = engine.stats.logins;
    const wave = Array.from({ length: o.inFlight }, (_, i) => settle(call(i)));
    await sleep(50);
    await sim.close();
    const down = Array.from({ length: 4 }, (_, i) => settle(call(i)));
    await sleep(o.downtimeMs);
    sim = await startSimulator({ engine, port: sim.port });
    faults.enabled = false;
    const inFlight = tally(await Promise.all(wave));
    const during = tally(await Promise.all(down));
    const after = tally(await Promise.all(Array.from({ length: o.after }, (_, i) => settle(call(i)))));
    return {
      inFlight: o.inFlight,
      inFlightOk: inFlight.ok,
      inFlightFailures: inFlight.failures,
      during: down.length,
      duringOk: during.ok,
      duringFailures: during.failures,
      after: o.after,
      afterOk: after.ok,
      afterFailures: after.failures,
      postRepeats: repeatedPosts(faults.tally),
      newLogins: engine.stats.logins - logins,
    };
  } finally {
    await px.close();
    await sim.close();
  }
}
