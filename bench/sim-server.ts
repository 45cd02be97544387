/**
 * The simulator in its own process, so it never shares an event loop with the clients
 * being measured. argv[2] is the JSON SimulatorOptions. Control requests on stdin:
 * {"cmd":"stats"} -> the engine's counters; {"cmd":"advance","ms":N} -> moves the
 * simulator clock (ticket expiry without waiting); {"cmd":"rss"} -> its memory.
 */
import { serveJsonLines } from './lib/json-lines-serve.js';
import { packageBuilt, packageUrl } from './lib/package-build.js';

// The tsup build, like the client: the simulator's speed sets the ceiling of every throughput row.
// Scripts run on their own (bench/sync-cost.ts) may find no build: then src/, through tsx.
// (A URL, not a literal: the compiled harness must not bundle src/ into itself.)
const source = new URL('../src/simulator/index.js', import.meta.url).href;
const { startSimulator } = (await import(
  packageBuilt('simulator') ? packageUrl('simulator') : source
)) as typeof import('../src/simulator/index.js');

const options = JSON.parse(process.argv[2] ?? '{}');
const started = performance.now();
const sim = await startSimulator({ port: 0, ...options });
const startMs = performance.now() - started;

serveJsonLines(
  {
    url: sim.url,
    host: sim.host,
    port: sim.port,
    fingerprint: sim.fingerprint,
    users: sim.users,
    startMs,
  },
  (message) => {
    switch (message.cmd) {
      case 'stats':
        return { stats: sim.engine.stats };
      case 'advance':
        sim.engine.clock.advance(Number(message.ms));
        return { now: sim.engine.clock.now() };
      case 'rss':
        return { rss: process.memoryUsage().rss };
      default:
        throw new Error(`unknown command ${String(message.cmd)}`);
    }
  },
  () => sim.close(),
);
