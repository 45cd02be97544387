/**
 * Command-line flags and the iteration counts they select. Counts are modest on purpose:
 * the full run must finish in a few minutes on 2 shared cores.
 *   --quick            fewer and shorter rounds (a smoke run, not figures to quote)
 *   --only a,b         scenarios: version resources storm renewal large shell startup sync console
 *                      neutral inventory (throughput = version,resources; servers = neutral,inventory)
 *   --clients a,b      sdk floor proxmox-api proxmoxer (default: all)
 *   --no-pin           do not give the simulator and the client a core each (bench/lib/cpu-pin.ts)
 *   --cpu-prof         write V8 CPU profiles of the sdk and floor workers to .tmp/bench-profiles
 *   --out FILE         results file (default bench/results/latest.json)
 *   --rounds N, --round-ms MS, --settle-ms MS, --warmup-ms MS   override the throughput counts
 */
import { CLIENTS, type ClientName } from './workers/spawn-worker.js';

export const SCENARIOS = [
  'version',
  'resources',
  'storm',
  'renewal',
  'large',
  'shell',
  'startup',
  'sync',
  'console',
  'neutral',
  'inventory',
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface Settings {
  quick: boolean;
  scenarios: ScenarioId[];
  clients: ClientName[];
  cpuProf: boolean;
  /** Simulator on core 0, each measured client on core 1 (unless --no-pin). */
  pin: boolean;
  out: string;
  /** Throughput: measured rounds per case (clients interleaved), each this long, after one warm-up. */
  rounds: number;
  roundMs: number;
  /** Throughput: an unmeasured run just before each measured round, so a round starts warm. */
  settleMs: number;
  warmupMs: number;
  concurrencies: number[];
  stormCalls: number;
  stormReps: number;
  /** Calls a client must answer before each clock jump and after the last one. */
  renewalPhaseCalls: number;
  renewalConcurrency: number;
  largeSizes: number[];
  largeRepeats: number;
  startupReps: number;
}

const ALIASES: Record<string, ScenarioId[]> = {
  throughput: ['version', 'resources'],
  servers: ['neutral', 'inventory'],
};

function list<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const items = text.split(',').flatMap((s) => (ALIASES[s] as T[] | undefined) ?? [s as T]);
  for (const item of items) {
    if (!allowed.includes(item)) throw new Error(`${flag}: unknown ${item}; one of ${allowed.join(', ')}`);
  }
  return items;
}

export function parseSettings(argv: string[]): Settings {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at === -1 ? undefined : argv[at + 1];
  };
  const number = (flag: string, fallback: number) => {
    const text = value(flag);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got ${text}`);
    return n;
  };
  const only = value('--only');
  const clients = value('--clients');
  return {
    quick,
    scenarios: only === undefined ? [...SCENARIOS] : list(only, SCENARIOS, '--only'),
    clients: clients === undefined ? [...CLIENTS] : list(clients, CLIENTS, '--clients'),
    cpuProf: argv.includes('--cpu-prof'),
    pin: !argv.includes('--no-pin'),
    out: value('--out') ?? 'bench/results/latest.json',
    rounds: number('--rounds', quick ? 3 : 8),
    roundMs: number('--round-ms', quick ? 300 : 400),
    settleMs: number('--settle-ms', quick ? 100 : 250),
    warmupMs: number('--warmup-ms', quick ? 300 : 600),
    concurrencies: [1, 16, 64],
    stormCalls: 200,
    stormReps: quick ? 1 : 3,
    renewalPhaseCalls: quick ? 100 : 300,
    renewalConcurrency: 16,
    largeSizes: quick ? [10_000] : [10_000, 100_000],
    largeRepeats: quick ? 3 : 5,
    startupReps: quick ? 5 : 20,
  };
}
