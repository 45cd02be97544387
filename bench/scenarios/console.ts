/**
 * Consoles (issue 17.5): what a terminal user feels, over the demo simulator's websocket.
 * The measuring client runs in its own process (bench/workers/console-worker.ts, pinned
 * to the client core like every worker) against the simulator's process; rows for the SDK
 * and for a floor (a bare `ws` socket speaking termproxy's frames itself). Medians.
 */
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.js';
import { pinned } from '../lib/cpu-pin.js';
import { harnessNode } from '../lib/harness.js';
import { timedRun } from '../lib/timed-run.js';
import { emptySection, type Section } from '../report.js';
import { jsonRows } from './external.js';

const WORKER = fileURLToPath(new URL('../workers/console-worker.ts', import.meta.url));
const TIME_LIMIT_MS = 180_000;

export async function consoles(ctx: BenchContext): Promise<Section> {
  const section = emptySection('console', 'Consoles: a node shell through termproxy (token auth)', []);
  const target = (await ctx.demoSim()).target;
  const spec = pinned(
    harnessNode(WORKER, [], [JSON.stringify(target), ctx.settings.quick ? 'quick' : 'full']),
    'client',
  );
  const r = await timedRun(spec.command, spec.args, { cwd: process.cwd(), timeoutMs: TIME_LIMIT_MS });
  if (r.code !== 0) section.notes.push(`console worker exited ${r.code}: ${r.stderr.trim().slice(-400)}`);
  const rows = jsonRows(r.stdout) ?? [];
  section.rows = rows;
  section.columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  section.notes.push(
    'open: termproxy POST + vncwebsocket upgrade + ticket line until the login prompt; key echo: one keystroke to its echo; command: `echo N` to the next prompt; output: `seq` streamed back; input: a pasted line echoed back',
  );
  return section;
}
