import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      simulator: 'src/simulator/index.ts',
      'sync-worker': 'src/sync-worker.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    platform: 'node',
    sourcemap: false,
    clean: true,
    shims: true,
    splitting: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    shims: true,
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
