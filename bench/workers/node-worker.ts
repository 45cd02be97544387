/**
 * One measured Node client in its own process (argv[2]: sdk | floor | proxmox-api; argv[3]:
 * the Target as JSON). Jobs arrive on stdin (see bench/lib/json-lines-serve.ts):
 *   throughput {path, concurrency, durationMs}  closed loop on a kept token client
 *   storm      {path, calls}                    a fresh password client, all calls at once
 *   load       {path, concurrency, auth}        closed loop on a fresh client until `stop` (renewal run)
 *   progress   (concurrent)                     counters of the running `load`
 *   stop       (concurrent)                     ends the running `load`
 *   large      {path, repeats}                  one cold call for memory, then timed calls
 *   clock      {ms} (concurrent)                moves this process's Date.now() forward
 *   inventory  {concurrency}                    cluster resources, then each guest's config and status
 */

import { serveJsonLines } from '../lib/json-lines-serve.js';
import type { Target } from '../sim-process.js';
import type { AuthKind, BenchClient, ClientFactory } from './bench-client.js';
import { burst, closedLoop, inventory, type LoadProgress } from './load.js';
import { measureLarge } from './memory.js';
import { installShiftedClock, shiftClock } from './shifted-clock.js';

installShiftedClock();

/**
 * Only the measured client is loaded. Loading two undici versions in one process makes them
 * share one global dispatcher (a Symbol.for key): proxmox-api's undici 6 fetch then runs on
 * undici 7 and fails ("invalid content-length header"); memory figures would mix, too.
 */
const LOADERS: Record<string, () => Promise<ClientFactory>> = {
  sdk: async () => (await import('./clients/sdk.js')).makeSdkClient,
  floor: async () => (await import('./clients/floor.js')).makeFloorClient,
  'proxmox-api': async () => (await import('./clients/proxmox-api.js')).makeProxmoxApiClient,
};

const name = process.argv[2] ?? '';
const load = LOADERS[name];
if (load === undefined) throw new Error(`unknown client ${name}`);
const factory = await load();
const target = JSON.parse(process.argv[3] ?? '{}') as Target;
let tokenClient: BenchClient | undefined;
let running: LoadProgress = { count: 0, failures: 0, stopped: true };

async function kept(): Promise<BenchClient> {
  tokenClient ??= await factory(target, 'token');
  return tokenClient;
}

async function fresh<T>(auth: AuthKind, work: (c: BenchClient) => Promise<T>): Promise<T> {
  const client = await factory(target, auth);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

serveJsonLines(
  { client: name, pid: process.pid },
  async (job) => {
    switch (job.job) {
      case 'throughput':
        return closedLoop(await kept(), job.path, job.concurrency, job.durationMs);
      case 'storm':
        return fresh('password', (c) => burst(c, job.path, job.calls));
      case 'load':
        running = { count: 0, failures: 0, stopped: false };
        return fresh(job.auth, (c) => closedLoop(c, job.path, job.concurrency, undefined, running));
      case 'progress':
        return { count: running.count, failures: running.failures };
      case 'stop':
        running.stopped = true;
        return {};
      case 'large':
        return measureLarge(await kept(), job.path, job.repeats);
      case 'clock':
        return { offset: shiftClock(job.ms) };
      case 'inventory':
        return inventory(await kept(), job.concurrency);
      default:
        throw new Error(`unknown job ${String(job.job)}`);
    }
  },
  async () => {
    await tokenClient?.close();
  },
);
