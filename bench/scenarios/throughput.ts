/**
 * Scenario 1: requests per second on one path at concurrency 1, 16 and 64. Clients are
 * interleaved round by round (sdk, floor, peers, then rotated), so a burst of load from
 * others on this shared machine hits every client alike; medians over the rounds.
 * Wall time per request is what the targets compare; the client process's own CPU per
 * request is shown beside it because on 2 cores the simulator may be the bottleneck,
 * and then CPU per request is where a slower client still shows.
 */
import { type BenchContext, closeAll } from '../context.js';
import { median, ratio } from '../lib/stats.js';
import { check, emptySection, type Section } from '../report.js';
import type { LoadResult } from '../workers/load.js';
import type { ClientName } from '../workers/spawn-worker.js';

const COLUMNS = ['case', 'client', 'req/s', 'µs/req', 'x floor', 'cpu µs/req', 'cpu x floor', 'failures'];

interface Samples {
  rps: number[];
  cpuPerReq: number[];
  failures: number;
  firstError?: string;
}

export async function throughput(ctx: BenchContext, id: string, path: string): Promise<Section> {
  const s = ctx.settings;
  const section = emptySection(id, `Throughput: GET ${path} (demo dataset, token auth)`, COLUMNS);
  const sim = await ctx.demoSim();
  const workers = await ctx.workers(sim.target, undefined, [], section.notes);
  const clients = [...workers.keys()];
  try {
    // Cold code is ~20x slower (JIT, and the simulator warms up too): a longer first warm-up.
    for (const client of clients) {
      await workers
        .get(client)!
        .call({ job: 'throughput', path, concurrency: 16, durationMs: 3 * s.warmupMs });
    }
    for (const concurrency of s.concurrencies) {
      const samples = new Map<ClientName, Samples>(
        clients.map((c) => [c, { rps: [], cpuPerReq: [], failures: 0 }]),
      );
      const job = (durationMs: number) => ({ job: 'throughput', path, concurrency, durationMs });
      for (const client of clients) await workers.get(client)!.call(job(s.warmupMs));
      for (let round = 0; round < s.rounds; round++) {
        for (let i = 0; i < clients.length; i++) {
          const client = clients[(i + round) % clients.length]!;
          const worker = workers.get(client)!;
          // Unmeasured: a client's first ~100 ms after the others' turns run well below its
          // steady rate (a cold core; the last client's process still settling on it).
          await worker.call(job(s.settleMs));
          const r = await worker.call<LoadResult>(job(s.roundMs));
          const sample = samples.get(client)!;
          sample.rps.push((r.count * 1000) / r.elapsedMs);
          if (r.count > 0) sample.cpuPerReq.push(r.cpuUs / r.count);
          sample.failures += r.failures;
          if (r.firstError !== undefined) sample.firstError ??= r.firstError;
        }
      }
      addRows(section, `c=${concurrency}`, samples);
      addTargets(section, path, concurrency, samples);
    }
  } finally {
    await closeAll(workers);
  }
  return section;
}

function addRows(section: Section, label: string, samples: Map<ClientName, Samples>): void {
  const floorRps = median(samples.get('floor')?.rps ?? []);
  const floorCpu = median(samples.get('floor')?.cpuPerReq ?? []);
  for (const [client, sample] of samples) {
    const rps = median(sample.rps);
    section.rows.push({
      case: label,
      client,
      'req/s': rps,
      'µs/req': rps > 0 ? 1e6 / rps : null,
      // Time per request relative to the floor: floor req/s over this client's req/s.
      'x floor': ratio(floorRps, rps),
      'cpu µs/req': median(sample.cpuPerReq),
      'cpu x floor': ratio(median(sample.cpuPerReq), floorCpu),
      failures: sample.failures,
    });
    if (sample.firstError !== undefined) section.notes.push(`${label} ${client}: ${sample.firstError}`);
  }
}

function addTargets(
  section: Section,
  path: string,
  concurrency: number,
  samples: Map<ClientName, Samples>,
): void {
  const rps = (c: ClientName) => (samples.has(c) ? median(samples.get(c)!.rps) : null);
  const sdk = rps('sdk');
  const floor = rps('floor');
  const both = (a: number | null, b: number | null, f: (a: number, b: number) => number) =>
    a === null || b === null || a === 0 || b === 0 ? null : f(a, b);
  if (concurrency === 1 || concurrency === 64) {
    const limit = concurrency === 1 ? 1.25 : 1.1;
    section.targets.push(
      check(
        `${path} c=${concurrency}: sdk time/req vs floor`,
        both(floor, sdk, (f, s) => f / s),
        `<= ${limit}x`,
        (v) => v <= limit,
      ),
    );
  }
  if (concurrency === 64) {
    const proxmoxer = rps('proxmoxer');
    const api = rps('proxmox-api');
    section.targets.push(
      check(
        `${path} c=64: sdk req/s vs proxmoxer`,
        both(sdk, proxmoxer, (a, b) => a / b),
        '>= 3x',
        (v) => v >= 3,
      ),
      check(
        `${path} c=64: sdk req/s vs proxmox-api`,
        both(sdk, api, (a, b) => a / b),
        '>= 1.5x',
        (v) => v >= 1.5,
      ),
    );
  }
}
