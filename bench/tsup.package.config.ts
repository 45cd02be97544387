/**
 * The project's own build (tsup.config.ts: entries, splitting, shims, CLI banner), written
 * to $BENCH_PACKAGE_DIR/dist (set by bench/lib/package-build.ts) instead of dist/, without
 * type declarations (nothing here reads them, and they take longest).
 */
import type { Options } from 'tsup';
import project from '../tsup.config.js';

const configs = (Array.isArray(project) ? project : [project]) as Options[];

const outDir = `${process.env.BENCH_PACKAGE_DIR ?? '.tmp/bench-pkg'}/dist`;

export default configs.map((c) => ({ ...c, outDir, dts: false }));
