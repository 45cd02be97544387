/**
 * The bench's own child processes (the simulator's host and the Node client workers),
 * compiled to plain JavaScript in $BENCH_PACKAGE_DIR/harness, so that they run on plain
 * `node` as users' programs do. Under tsx every party paid its loader's cost (~15-20% more
 * CPU per request, the simulator included), which no user pays. npm packages stay external
 * (resolved from node_modules); the client modules stay separate chunks, so a worker still
 * loads only the client it measures.
 */
import type { Options } from 'tsup';

const outDir = `${process.env.BENCH_PACKAGE_DIR ?? '.tmp/bench-pkg'}/harness`;

export default {
  entry: {
    'sim-server': 'bench/sim-server.ts',
    'model-server': 'bench/model-server.ts',
    'node-worker': 'bench/workers/node-worker.ts',
    'console-worker': 'bench/workers/console-worker.ts',
  },
  outDir,
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: true,
  bundle: true,
  skipNodeModulesBundle: true,
  dts: false,
  sourcemap: false,
  clean: true,
  outExtension: () => ({ js: '.mjs' }),
} satisfies Options;
