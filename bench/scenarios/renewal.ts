/**
 * Scenario 3: a password client under load while its ticket expires. Halfway through the
 * run the simulator's clock jumps past the ticket's life (2 h + the 5 min grace), so every
 * request after that carries a ticket the server refuses. Failed requests must be 0.
 * The client's own clock does not move: this measures recovery from a refused ticket,
 * which is also what happens after a server restart or a clock step.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchContext, closeAll } from '../context.js';
import { check, emptySection, type Section } from '../report.js';
import { ticketRequests } from '../sim-process.js';
import type { LoadResult } from '../workers/load.js';

const COLUMNS = ['client', 'requests', 'failures', 'ticket requests', 'logins', 'renewals'];
const PEERS = ['sdk', 'proxmox-api', 'proxmoxer'] as const;
const PAST_EXPIRY_MS = (120 + 10) * 60_000;

export async function renewal(ctx: BenchContext): Promise<Section> {
  const s = ctx.settings;
  const section = emptySection(
    'renewal',
    `Ticket expiry under load: GET /version at c=${s.renewalConcurrency} for ${s.renewalMs} ms, clock +130 min halfway`,
    COLUMNS,
  );
  const sim = await ctx.demoSim();
  const workers = await ctx.workers(sim.target, PEERS);
  try {
    for (const [client, worker] of workers) {
      const before = await sim.stats();
      const run = worker.call<LoadResult>({
        job: 'load',
        auth: 'password',
        path: '/version',
        concurrency: s.renewalConcurrency,
        durationMs: s.renewalMs,
      });
      await sleep(s.renewalMs / 2);
      await sim.advance(PAST_EXPIRY_MS);
      const r = await run;
      const after = await sim.stats();
      section.rows.push({
        client,
        requests: r.count + r.failures,
        failures: r.failures,
        'ticket requests': ticketRequests(before, after),
        logins: after.logins - before.logins,
        renewals: after.renewals - before.renewals,
      });
      if (r.firstError !== undefined) section.notes.push(`${client}: ${r.firstError}`);
      if (client === 'sdk') {
        section.targets.push(
          check('sdk failed requests across the expiry', r.failures, '= 0', (v) => v === 0),
        );
      }
    }
  } finally {
    await closeAll(workers);
  }
  return section;
}
