/**
 * Scenario 4: GET /cluster/resources with 10,000 and 100,000 guests. Each client gets a
 * fresh process per size, so the peak-memory figure (growth of maxRSS) is its own.
 */
import { type BenchContext, closeAll } from '../context.js';
import { median, ratio } from '../lib/stats.js';
import { emptySection, type Section } from '../report.js';
import { SimProcess } from '../sim-process.js';
import type { LargeResult } from '../workers/memory.js';

const COLUMNS = ['guests', 'client', 'items', 'ms', 'x floor', 'peak RSS +MB', 'heap held MB'];
const MB = 1024 * 1024;

export async function largeAnswers(ctx: BenchContext): Promise<Section> {
  const s = ctx.settings;
  const section = emptySection('large', 'Large answers: GET /cluster/resources, token auth', COLUMNS);
  for (const guests of s.largeSizes) {
    const sim = await SimProcess.start({ service: 'PVE', dataset: 'demo', guests });
    section.notes.push(`simulator with ${guests} guests started in ${sim.details.startMs.toFixed(0)} ms`);
    try {
      const results = new Map<string, LargeResult>();
      for (const client of s.clients) {
        const workers = await ctx.workers(sim.target, [client]);
        try {
          const job = { job: 'large', path: '/cluster/resources', repeats: s.largeRepeats };
          results.set(client, await workers.get(client)!.call<LargeResult>(job));
        } catch (error) {
          section.notes.push(`${guests} ${client}: ${String(error).slice(0, 300)}`);
        } finally {
          await closeAll(workers);
        }
      }
      const floorMs = median(results.get('floor')?.timesMs ?? []);
      for (const [client, r] of results) {
        const ms = median(r.timesMs);
        section.rows.push({
          guests,
          client,
          items: r.items,
          ms,
          'x floor': ratio(ms, floorMs),
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
