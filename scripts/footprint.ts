/**
 * `npm run footprint`: what installing and using this package costs a user, beside npm
 * proxmox-api (issue 19.1). Packs dist/ as npm would publish it, installs the tarball and
 * proxmox-api each into an empty project in a temp dir (the registry is needed: it is not
 * part of `npm test`), and measures:
 * - install size (apparent bytes of node_modules) and package count;
 * - `tsc --noEmit` on 50 typed PVE calls written for each library (scripts/footprint/calls.ts):
 *   wall time, check time, peak RSS, and the declaration bytes the compiler read from node_modules;
 * - import cost: time and RSS growth of `await import(name)` in a fresh node;
 * - each optional peer dependency, what it enables and what installing it adds
 *   (scripts/footprint/peers.ts).
 * Prints a table with ratios and writes bench/results/footprint.md. Prints figures; never fails on them.
 *
 * Run: npm run build && npm run footprint [-- --runs 5 --tsc path/to/tsc.js --keep]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALLS, callsModule, peerCall, sdkCall } from './footprint/calls.js';
import {
  count,
  filesOf,
  type InstallSize,
  mb,
  measureInstall,
  median,
  ms,
  parseDiagnostics,
  type Row,
  table,
} from './footprint/figures.js';
import { optionalPeers, peerTable } from './footprint/peers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
const peerVersion: string = manifest.devDependencies['proxmox-api'];

interface Library {
  /** The installed package's name. */
  name: string;
  /** What the consumer imports: the package, or one of its subpaths. */
  entry: string;
  label: string;
  /** What goes to `npm install`. */
  spec: string;
  header: string;
  call: (c: (typeof CALLS)[number]) => string;
  dir: string;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function npm(cwd: string, args: string[]): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function install(lib: Library): InstallSize {
  mkdirSync(lib.dir, { recursive: true });
  const pkg = { name: `footprint-${lib.name}`, version: '0.0.0', private: true, type: 'module' };
  writeFileSync(path.join(lib.dir, 'package.json'), JSON.stringify(pkg));
  npm(lib.dir, ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', lib.spec]);
  return measureInstall(path.join(lib.dir, 'node_modules'));
}

function writeProject(lib: Library): void {
  writeFileSync(path.join(lib.dir, 'calls.ts'), callsModule(lib.header, CALLS.map(lib.call)));
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true, // what `tsc --init` writes, and what nearly every project compiles with
    target: 'ES2023',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'ESNext.Disposable'],
    types: ['node'],
    typeRoots: [path.join(repo, 'node_modules/@types')],
  };
  writeFileSync(
    path.join(lib.dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, files: ['calls.ts'] }),
  );
}

interface Compile {
  wallMs: number;
  rssBytes: number;
  checkMs: number;
  errors: number;
  declarationBytes: number;
  declarationFiles: number;
}

function compile(lib: Library, tsc: string, rssHook: string): Compile {
  const rssFile = path.join(lib.dir, '.rss');
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--require', rssHook, tsc, '-p', 'tsconfig.json', '--extendedDiagnostics', '--listFiles'],
    { cwd: lib.dir, encoding: 'utf8', env: { ...process.env, FOOTPRINT_RSS: rssFile } },
  );
  const wallMs = performance.now() - started;
  const output = `${run.stdout}\n${run.stderr}`;
  const diagnostics = parseDiagnostics(output);
  // Everything the consumer's own node_modules gave the compiler: the library and its dependencies.
  const read = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(path.join(lib.dir, 'node_modules') + path.sep));
  const declarationBytes = read.reduce((sum, file) => sum + statSync(file).size, 0);
  if (filesOf(output, lib.name).length === 0) throw new Error(`tsc read nothing of ${lib.name}:\n${output}`);
  return {
    wallMs,
    rssBytes: Number(readFileSync(rssFile, 'utf8')) * 1024,
    checkMs: diagnostics.checkTime * 1000,
    errors: diagnostics.errors,
    declarationBytes,
    declarationFiles: read.length,
  };
}

interface ImportCost {
  ms: number;
  rssBytes: number;
}

function importCost(lib: Library): ImportCost {
  const code = [
    'const before = process.memoryUsage().rss;',
    'const started = performance.now();',
    `await import(${JSON.stringify(lib.entry)});`,
    'const ms = performance.now() - started;',
    'console.log(JSON.stringify({ ms, rssBytes: process.memoryUsage().rss - before }));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: lib.dir,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

function main(): void {
  const args = process.argv.slice(2);
  const runs = Number(option(args, '--runs') ?? 5);
  const tsc = path.resolve(option(args, '--tsc') ?? path.join(repo, 'node_modules/typescript/bin/tsc'));
  if (!existsSync(path.join(repo, 'dist/index.js'))) {
    console.error('dist/ is missing: run npm run build first');
    process.exit(1);
  }
  // Outside the checkout, so that the projects resolve only what they installed.
  const work = mkdtempSync(path.join(os.tmpdir(), 'proxmox-sdk-footprint-'));
  try {
    const tarball = npm(repo, ['pack', '--silent', '--ignore-scripts', '--pack-destination', work])
      .trim()
      .split('\n')
      .pop()!;
    // The root entry (all four products' types) and the PVE subpath, each in its own project.
    const sdk = (entry: string, dir: string): Library => ({
      name: 'proxmox-sdk',
      entry,
      label: entry,
      spec: path.join(work, tarball),
      header: [
        `import { ProxmoxSDK } from '${entry}';`,
        "const px = await ProxmoxSDK.connect({ host: 'pve.example.com', user: 'root@pam', password: 'secret' });",
      ].join('\n'),
      call: sdkCall,
      dir: path.join(work, dir),
    });
    const peer: Library = {
      name: 'proxmox-api',
      entry: 'proxmox-api',
      label: `proxmox-api ${peerVersion}`,
      spec: `proxmox-api@${peerVersion}`,
      header: [
        "import proxmoxApi from 'proxmox-api';",
        "const pa = proxmoxApi({ host: 'pve.example.com', username: 'root@pam', password: 'secret' });",
      ].join('\n'),
      call: peerCall,
      dir: path.join(work, 'peer'),
    };
    const libs = [sdk('proxmox-sdk', 'ours'), sdk('proxmox-sdk/pve', 'ours-pve'), peer];
    const sizes = libs.map(install);
    // Each optional peer alone in an empty project: what `npm install <peer>` adds.
    const peers = optionalPeers(manifest);
    const peerSizes = peers.map((p) =>
      install({ ...peer, name: p.name, spec: p.spec, dir: path.join(work, `peer-${p.name}`) }),
    );
    for (const lib of libs) writeProject(lib);
    const rssHook = path.join(work, 'rss-hook.cjs');
    writeFileSync(
      rssHook,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.FOOTPRINT_RSS, String(process.resourceUsage().maxRSS)));\n",
    );

    // Alternating runs, so that a change in the machine's load touches both alike.
    const compiles: Compile[][] = libs.map(() => []);
    const imports: ImportCost[][] = libs.map(() => []);
    for (let r = 0; r < runs; r++) {
      libs.forEach((lib, i) => {
        compiles[i]!.push(compile(lib, tsc, rssHook));
        imports[i]!.push(importCost(lib));
      });
    }
    for (const [i, lib] of libs.entries()) {
      const errors = compiles[i]![0]!.errors;
      if (errors > 0)
        throw new Error(`${lib.name}: the 50 calls do not compile (${errors} errors); figures void`);
    }
    const med = <T>(list: T[], pick: (t: T) => number) => median(list.map(pick));
    const each = (pick: (i: number) => number) => ({ values: libs.map((_, i) => pick(i)) });
    const rows: Row[] = [
      { label: 'install size (node_modules)', ...each((i) => sizes[i]!.bytes), format: mb },
      { label: 'packages installed', ...each((i) => sizes[i]!.packages), format: count },
      {
        label: 'declarations tsc read from node_modules',
        ...each((i) => compiles[i]![0]!.declarationBytes),
        format: mb,
      },
      { label: 'tsc --noEmit, wall time', ...each((i) => med(compiles[i]!, (c) => c.wallMs)), format: ms },
      { label: 'tsc check time', ...each((i) => med(compiles[i]!, (c) => c.checkMs)), format: ms },
      {
        label: 'tsc peak memory (max RSS)',
        ...each((i) => med(compiles[i]!, (c) => c.rssBytes)),
        format: mb,
      },
      { label: 'import, time', ...each((i) => med(imports[i]!, (c) => c.ms)), format: ms },
      { label: 'import, RSS growth', ...each((i) => med(imports[i]!, (c) => c.rssBytes)), format: mb },
    ];
    const typescript = JSON.parse(
      readFileSync(path.join(repo, 'node_modules/typescript/package.json'), 'utf8'),
    );
    const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; Node ${process.version}; TypeScript ${typescript.version}`;
    const report = [
      '# Install footprint',
      '',
      `Written by \`npm run footprint\` (scripts/footprint.ts) on ${new Date().toISOString()}.`,
      `Machine: ${machine}. Medians of ${runs} alternating runs; lower is better in every row.`,
      '',
      table(
        rows,
        libs.map((lib) => lib.label),
      ),
      '',
      `Packages: ${libs.map((lib, i) => `${lib.label}: ${sizes[i]!.names.join(', ')}`).join('; ')}.`,
      `Declaration files tsc read from node_modules: ${libs.map((lib, i) => `${lib.label} ${compiles[i]![0]!.declarationFiles}`).join(', ')}.`,
      '',
      '## Optional peers',
      '',
      'Not installed above: `npm install proxmox-sdk` installs none of them (package.json',
      '`peerDependenciesMeta`: optional). Each feature is one install away:',
      '',
      peerTable(peers, peerSizes, mb),
      '',
      'The tsc job: 50 typed PVE calls (scripts/footprint/calls.ts), the same paths, verbs and',
      'parameters for each library, after `connect` (ours, imported from the root and from the PVE subpath) and `proxmoxApi()` (theirs); strict,',
      'skipLibCheck on, NodeNext resolution, @types/node from this repository.',
      '',
    ].join('\n');
    console.log(report);
    mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
    writeFileSync(path.join(repo, 'bench/results/footprint.md'), report);
  } finally {
    if (args.includes('--keep')) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main();
