import { defineConfig, type Options } from 'tsup';
import { compressedSchemas } from './scripts/compressed-schemas.js';

const library = {
  index: 'src/index.ts',
  pve: 'src/entries/pve.ts',
  pbs: 'src/entries/pbs.ts',
  pmg: 'src/entries/pmg.ts',
  pdm: 'src/entries/pdm.ts',
  simulator: 'src/simulator/index.ts',
  'sync-worker': 'src/sdk/sync-worker.ts',
};
const common = {
  target: 'node20',
  platform: 'node',
  shims: true,
  splitting: true,
  sourcemap: false,
  // The schema tables ship brotli-compressed (scripts/compressed-schemas.ts): 2.6 MB -> 113 KB a build.
  esbuildPlugins: [compressedSchemas()],
} satisfies Options;

// The CLI is built with the library's ESM entries so that they share chunks: one copy of the
// schema tables and the simulator in the package, not two. Only its entry gets the shebang.
const cliShebang: NonNullable<Options['plugins']>[number] = {
  name: 'cli-shebang',
  renderChunk(code, info) {
    if (info.type !== 'chunk' || !/[\\/]cli\.js$/.test(info.path)) return;
    info.mode = 0o755;
    return { code: `#!/usr/bin/env node\n${code}` };
  },
};

const esm: Options = {
  ...common,
  entry: { ...library, cli: 'src/cli/main.ts' },
  format: ['esm'],
  clean: true,
  plugins: [cliShebang],
};

// Declarations are not bundled: scripts/build-types.mjs emits one file per module after tsup, so
// that an entry reads only the products it names (a bundled .d.ts is read whole).
// PROXMOX_QUICK_BUILD=1: the ESM build alone, without cleaning
// dist/ (what the CLI tests rebuild when src/ changed: the same chunks, in seconds).
export default process.env.PROXMOX_QUICK_BUILD === '1'
  ? defineConfig([{ ...esm, clean: false }])
  : defineConfig([esm, { ...common, entry: library, format: ['cjs'] }]);
