import { defineConfig, type Options } from 'tsup';
import { cjsChunks } from './scripts/cjs-chunks.js';
import { compressedSchemas } from './scripts/compressed-schemas.js';
import { esmWrappers } from './scripts/esm-wrappers.js';

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
  splitting: true,
  sourcemap: false,
  // The schema tables ship brotli-compressed (scripts/compressed-schemas.ts): 2.6 MB -> 113 KB a build.
  esbuildPlugins: [compressedSchemas()],
} satisfies Options;

// One build, CommonJS, with the CLI among the entries so that they share chunks: one copy of
// the code, the schema tables and the simulator. esbuild splits it as ES modules named .cjs,
// and each chunk becomes CommonJS through esbuild's transform (scripts/cjs-chunks.ts: tsup's
// own CommonJS splitting lowers `?.` and `??` into allocating helper calls). Each ESM entry
// (dist/<entry>.js) is a wrapper importing its CommonJS twin (scripts/esm-wrappers.ts); the
// CLI's carries the shebang.
const build: Options = {
  ...common,
  entry: { ...library, cli: 'src/cli/main.ts' },
  format: ['esm'],
  outExtension: () => ({ js: '.cjs' }),
  clean: true,
  plugins: [
    cjsChunks(),
    esmWrappers([...Object.keys(library), 'cli'], { cli: 'cli', others: ['sync-worker'] }),
  ],
};

// Declarations are not bundled: scripts/build-types.mjs emits one file per module after tsup, so
// that an entry reads only the products it names (a bundled .d.ts is read whole).
// PROXMOX_QUICK_BUILD=1: the same build without cleaning dist/ (what the CLI tests rebuild when
// src/ changed), so that the declarations stay.
export default process.env.PROXMOX_QUICK_BUILD === '1'
  ? defineConfig([{ ...build, clean: false }])
  : defineConfig([build]);
