/**
 * Scenario 3: a password client under load while time passes. Both the simulator's clock
 * and the client process's Date.now() jump together, twice, during one run:
 *   +100 min: the ticket is in its renewal window (Proxmox's clients renew in the last 30
 *             of its 120 minutes); a client should renew it once, without failing a call;
 *   +130 min: the renewed ticket has expired too (a laptop that slept); a client should log
 *             in again once, still without failing a call.
 * Each jump waits until the client has answered `renewalPhaseCalls` more calls (or a few
 * seconds passed: a client that fails every call makes no progress), so a slow start
 * (proxmoxer logs in inside its constructor) cannot make the jumps miss it.
 * Ticket requests are counted by the simulator. Failed requests must be 0.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchContext, closeAll } from '../context.js';
import type { JsonLinesChild } from '../lib/json-lines-child.js';
import { check, emptySection, type Section } from '../report.js';
import { ticketRequests } from '../sim-process.js';
import type { LoadResult } from '../workers/load.js';

const COLUMNS = ['client', 'requests', 'failures', 'ticket requests', 'logins', 'renewals'];
const PEERS = ['sdk', 'proxmox-api', 'proxmoxer'] as const;
const MINUTE = 60_000;
const JUMPS = [100 * MINUTE, 130 * MINUTE];
const PHASE_LIMIT_MS = 5000;

/** Waits until the running load has answered `calls` more calls, or the phase limit passed. */
async function progressBy(worker: JsonLinesChild, calls: number): Promise<void> {
  const progress = () => worker.call<{ count: number }>({ job: 'progress', concurrent: true });
  const goal = (await progress()).count + calls;
  const limit = performance.now() + PHASE_LIMIT_MS;
  while ((await progress()).count < goal && performance.now() < limit) await sleep(20);
}

export async function renewal(ctx: BenchContext): Promise<Section> {
  const s = ctx.settings;
  const section = emptySection(
    'renewal',
    `Ticket renewal and expiry under load: GET /version, c=${s.renewalConcurrency}, clocks +100 min then +130 min, ${s.renewalPhaseCalls} calls a phase`,
    COLUMNS,
  );
  const sim = await ctx.demoSim();
  const workers = await ctx.workers(sim.target, PEERS, [], section.notes);
  try {
    for (const [client, worker] of workers) {
      const before = await sim.stats();
      const run = worker.call<LoadResult>({
        job: 'load',
        auth: 'password',
        path: '/version',
        concurrency: s.renewalConcurrency,
      });
      for (const ms of JUMPS) {
        await progressBy(worker, s.renewalPhaseCalls);
        await Promise.all([sim.advance(ms), worker.call({ job: 'clock', ms, concurrent: true })]);
      }
      await progressBy(worker, s.renewalPhaseCalls);
      await worker.call({ job: 'stop', concurrent: true });
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
          check('sdk failed requests across renewal and expiry', r.failures, '= 0', (v) => v === 0),
        );
      }
    }
  } finally {
    await closeAll(workers);
  }
  return section;
}
