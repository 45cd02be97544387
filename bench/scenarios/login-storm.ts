/**
 * Scenario 2: 200 calls at once on a fresh password client. Ticket requests are counted
 * by the simulator (POST /access/ticket between two snapshots), not by the client.
 * The floor has no login logic, so it has no row here.
 */
import { type BenchContext, closeAll } from '../context.js';
import { median } from '../lib/stats.js';
import { check, emptySection, type Section } from '../report.js';
import { ticketRequests } from '../sim-process.js';
import type { LoadResult } from '../workers/load.js';

const COLUMNS = ['client', 'ticket requests', 'ms to all answers', 'failures'];
const PEERS = ['sdk', 'proxmox-api', 'proxmoxer'] as const;

export async function loginStorm(ctx: BenchContext): Promise<Section> {
  const s = ctx.settings;
  const section = emptySection(
    'storm',
    `Login storm: ${s.stormCalls} concurrent GET /version, fresh password client`,
    COLUMNS,
  );
  const sim = await ctx.demoSim();
  const workers = await ctx.workers(sim.target, PEERS, [], section.notes);
  try {
    // Module loading and JIT warm-up, not counted.
    for (const worker of workers.values()) await worker.call({ job: 'storm', path: '/version', calls: 10 });
    for (const [client, worker] of workers) {
      const tickets: number[] = [];
      const times: number[] = [];
      let failures = 0;
      for (let rep = 0; rep < s.stormReps; rep++) {
        const before = await sim.stats();
        const r = await worker.call<LoadResult>({ job: 'storm', path: '/version', calls: s.stormCalls });
        tickets.push(ticketRequests(before, await sim.stats()));
        times.push(r.elapsedMs);
        failures += r.failures;
        if (r.firstError !== undefined) section.notes.push(`${client}: ${r.firstError}`);
      }
      section.rows.push({
        client,
        // The worst repetition: "exactly one" must hold every time, not on average.
        'ticket requests': Math.max(...tickets),
        'ms to all answers': median(times),
        failures,
      });
      if (client === 'sdk') {
        section.targets.push(
          check(
            'sdk ticket requests in the storm (worst repetition)',
            Math.max(...tickets),
            '= 1',
            (v) => v === 1,
          ),
        );
      }
    }
    if (workers.has('proxmoxer')) {
      section.notes.push(
        'proxmoxer logs in inside its constructor, before any call: the timed span includes it',
      );
    }
  } finally {
    await closeAll(workers);
  }
  return section;
}
