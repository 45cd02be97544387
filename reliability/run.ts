/**
 * `npm run reliability`: every reliability and security scenario of issue 9 at full size.
 * Prints each scenario's tallies and writes them to reliability/results/latest.json.
 * A figure that shows a failure does not stop the run: this is a report, not a test
 * (the CI tests in test/reliability, test/fuzz and test/security assert on smaller runs).
 *
 * Usage: npm run reliability [-- name ...]   (names: see SCENARIOS below)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runClockJump } from './scenarios/clock-jump.js';
import { hostileCases, runHostileServers } from './scenarios/hostile-servers.js';
import { runLoad } from './scenarios/load.js';
import { runLoginFaults } from './scenarios/login-faults.js';
import { runPermissionWalk } from './scenarios/permission-walk.js';
import { runRestart } from './scenarios/restart.js';
import { runSimulatorFuzz } from './scenarios/simulator-fuzz.js';
import { runStall, STALL_CASES } from './scenarios/stall.js';

/** 5% proxy errors (half 502, half 503), 2% resets after the work was done, 0-20 ms latency. */
const FAULTS = { share502: 0.025, share503: 0.025, shareReset: 0.02, latencyMs: 20, seed: 20261123 };

const SCENARIOS: Record<string, () => Promise<unknown>> = {
  'load-default-retries': () =>
    runLoad({
      requests: 10_000,
      concurrency: 64,
      faults: FAULTS,
      auth: 'ticket',
      postShare: 0.1,
      loginBeforeFaults: true,
    }),
  'load-retries-5': () =>
    runLoad({
      requests: 10_000,
      concurrency: 64,
      faults: FAULTS,
      retries: 5,
      auth: 'ticket',
      postShare: 0.1,
      loginBeforeFaults: true,
    }),
  'load-token-retries-5': () =>
    runLoad({ requests: 10_000, concurrency: 64, faults: FAULTS, retries: 5, auth: 'token', postShare: 0.1 }),
  'login-under-faults-default': () => runLoginFaults({ clients: 1_000, concurrency: 16, faults: FAULTS }),
  'login-under-faults-retries-5': () =>
    runLoginFaults({ clients: 1_000, concurrency: 16, faults: FAULTS, retries: 5 }),
  'restart-300ms': () => runRestart({ inFlight: 32, after: 64, downtimeMs: 300 }),
  'restart-1500ms': () => runRestart({ inFlight: 32, after: 64, downtimeMs: 1_500 }),
  'clock-jump': () => runClockJump({ requests: 5_000, concurrency: 64, jumpAfter: 1_000 }),
  stall: () => runStall(STALL_CASES),
  'simulator-fuzz': () => runSimulatorFuzz(20_000, Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)),
  'permission-walk': () => runPermissionWalk(),
  'hostile-servers': () => runHostileServers(hostileCases('full')),
};

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !(n in SCENARIOS));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const out = fileURLToPath(new URL('./results/latest.json', import.meta.url));
// A partial run (named scenarios) keeps the other scenarios' last figures.
const previous =
  wanted.length === 0
    ? {}
    : ((JSON.parse(await readFile(out, 'utf8').catch(() => '{}')) as { results?: Record<string, unknown> })
        .results ?? {});
const results: Record<string, unknown> = { ...previous };
for (const [name, run] of Object.entries(SCENARIOS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = performance.now();
  try {
    results[name] = await run();
  } catch (error) {
    results[name] = { crashed: String((error as Error)?.stack ?? error) };
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\n== ${name} (${seconds} s)`);
  console.log(JSON.stringify(results[name], null, 2));
}
await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
await writeFile(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), commit: commit(), node: process.version, faults: FAULTS, results }, null, 2)}\n`,
);
console.log(`\nwrote ${out}`);
