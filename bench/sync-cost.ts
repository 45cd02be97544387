/**
 * What the blocking facade costs per call, against the async API doing the same calls
 * one after another (the only fair comparison: a blocking script cannot overlap calls).
 *
 * Rows: the mock backend (no network: the cost is the thread hop alone) and HTTPS against
 * the simulator in its own process; for each, async, ProxmoxSDK.sync (own worker with
 * Atomics.wait + receiveMessageOnPort) and synckit's createSyncFn over the same client.
 * Prints a table and, last, one JSON line `{"rows": [...]}` for bench/run.ts.
 *
 *   node --import tsx bench/sync-cost.ts [--quick]
 */
import { createSyncFn } from 'synckit';
import { ProxmoxSDK } from '../src/client.js';
import type { ProxmoxOptions } from '../src/options.js';
import { SimProcess } from './sim-process.js';

const quick = process.argv.includes('--quick');
const CALLS = quick ? 300 : 2_000;
const WARMUP = quick ? 50 : 200;
const ROUNDS = 3;
const PATH = '/version';

type Row = Record<string, string | number>;

/** Best of ROUNDS (the least disturbed by other work on the machine), in ms per call. */
async function measure(call: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await call();
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) await call();
    best = Math.min(best, (performance.now() - t0) / CALLS);
  }
  return best;
}

/** The same for blocking calls, without an await per call (which would add a microtask). */
function measureSync(call: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) call();
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) call();
    best = Math.min(best, (performance.now() - t0) / CALLS);
  }
  return best;
}

function timeIt<T>(make: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = make();
  return { value, ms: performance.now() - t0 };
}

async function compare(label: string, options: ProxmoxOptions): Promise<Row[]> {
  const px = new ProxmoxSDK(options);
  const asyncMs = await measure(() => px.request(`GET ${PATH}`));
  await px.close();

  const own = timeIt(() => ProxmoxSDK.sync(options));
  own.value.request(`GET ${PATH}`);
  const ownMs = measureSync(() => own.value.request(`GET ${PATH}`));
  own.value.close();

  const kit = timeIt(() => {
    const fn = createSyncFn(new URL('./sync-synckit-worker.mjs', import.meta.url).href) as (
      op: string,
      arg?: unknown,
    ) => unknown;
    fn('init', options);
    return fn;
  });
  const kitMs = measureSync(() => kit.value('get', PATH));
  kit.value('close');

  const row = (api: string, ms: number, startMs?: number): Row => ({
    backend: label,
    api,
    calls: CALLS,
    'ms/call': Number(ms.toFixed(4)),
    'added ms/call': Number((ms - asyncMs).toFixed(4)),
    'start ms': startMs === undefined ? '' : Math.round(startMs),
  });
  return [row('async', asyncMs), row('ProxmoxSDK.sync', ownMs, own.ms), row('synckit', kitMs, kit.ms)];
}

const rows: Row[] = [];
rows.push(...(await compare('mock', { backend: 'mock', user: 'root@pam', password: 'proxmox' })));
const sim = await SimProcess.start({});
try {
  const t = sim.target;
  rows.push(
    ...(await compare('https (simulator, token)', {
      host: `${t.host}:${t.port}`,
      fingerprint: t.fingerprint,
      user: t.user,
      tokenName: t.tokenName,
      tokenValue: t.tokenValue,
    })),
  );
} finally {
  await sim.close();
}

const columns = Object.keys(rows[0]!);
console.log(columns.join('\t'));
for (const r of rows) console.log(columns.map((c) => r[c]).join('\t'));
console.log(
  'start ms: from TypeScript sources the worker compiles the SDK with tsx first; the built package starts faster.',
);
console.log(JSON.stringify({ rows }));
