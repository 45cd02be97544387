/**
 * Scenario 4: GET /cluster/resources with 10,000 and 100,000 guests. Each client gets a
 * fresh process per size, so the peak-memory figure (growth of maxRSS) is its own.
 * While the simulator answers /cluster/resources with less than the dataset (its generic
 * schema-shaped sample), the scenario says so and measures /nodes/pve1/qemu instead, the
 * largest list it does fill, so that the rows still compare clients on a big answer.
 */
import { type BenchContext, closeAll } from '../context.js';
import { median, ratio } from '../lib/stats.js';
import { emptySection, type Section } from '../report.js';
import { SimProcess } from '../sim-process.js';
import type { LargeResult } from '../workers/memory.js';
import type { ClientName } from '../workers/spawn-worker.js';

const COLUMNS = [
  'guests',
  'path',
  'client',
  'items',
  'first ms',
  'ms',
  'x floor',
  'cpu ms',
  'cpu x floor',
  'peak RSS +MB',
  'heap held MB',
];
const MB = 1024 * 1024;
const PATHS = ['/cluster/resources', '/nodes/pve1/qemu'];

async function measure(
  ctx: BenchContext,
  sim: SimProcess,
  guests: number,
  client: ClientName,
  path: string,
): Promise<LargeResult> {
  const workers = await ctx.workers(sim.target, [client], ['--expose-gc']);
  try {
    // The 100,000-guest answer takes seconds per call; three calls keep the run within minutes.
    const repeats = guests > 50_000 ? Math.min(3, ctx.settings.largeRepeats) : ctx.settings.largeRepeats;
    const job = { job: 'large', path, repeats };
    return await workers.get(client)!.call<LargeResult>(job);
  } finally {
    await closeAll(workers);
  }
}

export async function largeAnswers(ctx: BenchContext): Promise<Section> {
  const s = ctx.settings;
  const section = emptySection(
    'large',
    'Large answers: one big GET, token auth, fresh process per client',
    COLUMNS,
  );
  for (const guests of s.largeSizes) {
    const sim = await SimProcess.start({ service: 'PVE', dataset: 'demo', guests });
    section.notes.push(`simulator with ${guests} guests started in ${sim.details.startMs.toFixed(0)} ms`);
    try {
      let path = PATHS[0]!;
      const results = new Map<ClientName, LargeResult>();
      for (const client of s.clients) {
        try {
          let r = await measure(ctx, sim, guests, client, path);
          if (results.size === 0 && r.items < guests / 10 && path === PATHS[0]) {
            section.notes.push(
              `${guests}: ${path} answered ${r.items} item(s), not the dataset; measured ${PATHS[1]}`,
            );
            path = PATHS[1]!;
            r = await measure(ctx, sim, guests, client, path);
          }
          results.set(client, r);
        } catch (error) {
          section.notes.push(`${guests} ${client}: ${String(error).slice(0, 300)}`);
        }
      }
      const warm = (v: number[] | undefined) => median(v === undefined ? [] : v.length > 1 ? v.slice(1) : v);
      const floor = results.get('floor');
      for (const [client, r] of results) {
        const ms = warm(r.timesMs);
        const cpu = warm(r.cpuMs);
        section.rows.push({
          guests,
          path,
          client,
          items: r.items,
          'first ms': r.timesMs[0] ?? null,
          ms,
          'x floor': ratio(ms, warm(floor?.timesMs)),
          'cpu ms': cpu,
          'cpu x floor': ratio(cpu, warm(floor?.cpuMs)),
          'peak RSS +MB': r.peakRssDelta / MB,
          'heap held MB': r.heapHeld < 0 ? null : r.heapHeld / MB,
        });
      }
    } finally {
      await sim.close();
    }
  }
  return section;
}
