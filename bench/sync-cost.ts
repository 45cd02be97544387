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
import type { ProxmoxOptions } from '../src/options/options.js';
import { ProxmoxSDK } from '../src/sdk/proxmox-sdk.js';
import { SyncChannel } from '../src/sync/sync-channel.js';
import { SimProcess } from './sim-process.js';

const quick = process.argv.includes('--quick');
const CALLS = quick ? 300 : 1_000;
const WARMUP = quick ? 50 : 200;
const ROUNDS = quick ? 3 : 7;
const PATH = '/version';

type Row = Record<string, string | number>;

/** ms per call of one round of CALLS calls; `await`ed only when the call answers a promise. */
async function round(call: () => unknown, blocking: boolean): Promise<number> {
  const t0 = performance.now();
  if (blocking) for (let i = 0; i < CALLS; i++) call();
  else for (let i = 0; i < CALLS; i++) await call();
  return (performance.now() - t0) / CALLS;
}

function timeIt<T>(make: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = make();
  return { value, ms: performance.now() - t0 };
}

/**
 * The three variants take turns, round after round, and each keeps its best round: the
 * least disturbed by other work on the machine, and none favoured by running last (warm JIT,
 * warm simulator).
 */
async function compare(label: string, options: ProxmoxOptions): Promise<Row[]> {
  const px = new ProxmoxSDK(options);
  const own = timeIt(() => ProxmoxSDK.sync(options));
  const kit = timeIt(() => {
    const fn = createSyncFn(new URL('./sync-synckit-worker.mjs', import.meta.url).href) as (
      op: string,
      arg?: unknown,
    ) => unknown;
    fn('init', options);
    return fn;
  });
  const variants: Array<[string, () => unknown, boolean, number | undefined]> = [
    ['async', () => px.request(`GET ${PATH}`), false, undefined],
    ['ProxmoxSDK.sync', () => own.value.request(`GET ${PATH}`), true, own.ms],
    ['synckit', () => kit.value('get', PATH), true, kit.ms],
  ];
  const best = new Map<string, number>();
  for (const [name, call, blocking] of variants) {
    for (let i = 0; i < WARMUP; i++) blocking ? call() : await call();
    best.set(name, Infinity);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, call, blocking] of variants) {
      best.set(name, Math.min(best.get(name)!, await round(call, blocking)));
    }
  }
  await px.close();
  own.value.close();
  kit.value('close');
  const asyncMs = best.get('async')!;
  return variants.map(([name, , , startMs]) => ({
    backend: label,
    api: name,
    calls: CALLS,
    'ms/call': Number(best.get(name)!.toFixed(4)),
    'added ms/call': Number((best.get(name)! - asyncMs).toFixed(4)),
    'start ms': startMs === undefined ? '' : Math.round(startMs),
  }));
}

/** The thread hop alone: a request the worker answers at once, without the SDK. */
async function hop(): Promise<Row[]> {
  const own = new SyncChannel();
  own.call('ping', []);
  const kit = createSyncFn(new URL('./sync-synckit-worker.mjs', import.meta.url).href) as (
    op: string,
  ) => unknown;
  kit('ping');
  const best = { own: Infinity, kit: Infinity };
  for (let i = 0; i < WARMUP; i++) {
    own.call('ping', []);
    kit('ping');
  }
  for (let r = 0; r < ROUNDS; r++) {
    best.own = Math.min(best.own, await round(() => own.call('ping', []), true));
    best.kit = Math.min(best.kit, await round(() => kit('ping'), true));
  }
  own.terminate();
  const row = (api: string, ms: number): Row => ({
    backend: 'none (round trip only)',
    api,
    calls: CALLS,
    'ms/call': Number(ms.toFixed(4)),
    'added ms/call': Number(ms.toFixed(4)),
    'start ms': '',
  });
  return [row('ProxmoxSDK.sync', best.own), row('synckit', best.kit)];
}

const rows: Row[] = [];
rows.push(...(await hop()));
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
