/**
 * Many requests at a time against a faulty server (issue 9, "Under faults"): GETs must all
 * succeed through retries; POSTs (VM creates, each with its own vmid) must never reach the
 * server twice, whatever happened to their answer.
 */
import { ProxmoxSDK } from '../../src/index.js';
import { seededRandom } from '../../src/simulator/engine/seeded-random.js';
import { type InjectedFaults, injectFaults, repeatedPosts } from '../lib/fault-injector.js';
import { countCodes, runPool } from '../lib/pool.js';
import { clientOptions, startPve } from '../lib/sim.js';

export interface LoadOptions {
  requests: number;
  concurrency: number;
  faults: InjectedFaults;
  /** The SDK's `retries`; undefined keeps its default. */
  retries?: number;
  auth: 'ticket' | 'token';
  /** Share of the requests that are POSTs (VM creates). */
  postShare: number;
  /** Log in before faults start, so that only API calls meet them. */
  loginBeforeFaults?: boolean;
}

export interface LoadFigures {
  requests: number;
  concurrency: number;
  retries: number | 'default';
  gets: number;
  getsOk: number;
  getFailures: Record<string, number>;
  posts: number;
  postsOk: number;
  postFailures: Record<string, number>;
  /** POST arrivals counted on the server, and how many of them were repeats. */
  postArrivals: number;
  postRepeats: number;
  injected: { status502: number; status503: number; resets: number };
  serverArrivals: number;
  logins: number;
  elapsedMs: number;
}

const GET_PATHS = [
  '/version',
  '/nodes',
  '/cluster/resources',
  '/nodes/pve1/qemu',
  '/nodes/pve1/qemu/100/status/current',
];

export async function runLoad(o: LoadOptions): Promise<LoadFigures> {
  const sim = await startPve();
  const faults = injectFaults(sim.engine, o.faults);
  const pick = seededRandom((o.faults.seed ?? 1) + 7);
  const started = performance.now();
  const px = new ProxmoxSDK({
    ...clientOptions(sim, o.auth),
    ...(o.retries === undefined ? {} : { retries: o.retries }),
  });
  try {
    if (o.loginBeforeFaults) {
      faults.enabled = false;
      await px.login();
      faults.enabled = true;
    }
    const kinds = Array.from({ length: o.requests }, () => (pick() < o.postShare ? 'POST' : 'GET'));
    const results = await runPool(o.requests, o.concurrency, (i) =>
      kinds[i] === 'POST'
        ? px.request('POST /nodes/{node}/qemu', {
            node: 'pve1',
            vmid: 200_000 + i,
            name: `rel-${i}`,
            memory: 256,
          })
        : px.request(`GET ${GET_PATHS[i % GET_PATHS.length]}`),
    );
    const failed = (kind: string) =>
      results.flatMap((r, i) => (kinds[i] === kind && r.status === 'rejected' ? [r.reason] : []));
    const gets = kinds.filter((k) => k === 'GET').length;
    const posts = o.requests - gets;
    const getFails = failed('GET');
    const postFails = failed('POST');
    return {
      requests: o.requests,
      concurrency: o.concurrency,
      retries: o.retries ?? 'default',
      gets,
      getsOk: gets - getFails.length,
      getFailures: countCodes(getFails),
      posts,
      postsOk: posts - postFails.length,
      postFailures: countCodes(postFails),
      postArrivals: [...faults.tally.postsByMarker.values()].reduce((a, b) => a + b, 0),
      postRepeats: repeatedPosts(faults.tally),
      injected: {
        status502: faults.tally.status502,
        status503: faults.tally.status503,
        resets: faults.tally.resets,
      },
      serverArrivals: faults.tally.arrivals,
      logins: sim.engine.stats.logins,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await px.close();
    await sim.close();
  }
}
