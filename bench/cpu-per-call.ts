/**
 * CPU per call of the SDK against the floor (a raw undici Pool) and against our own HTTP/1.1
 * client driven as raw (`client`: the transport's cost alone), GET /version with token auth
 * on the neutral model server (bench/model-server.ts), issue 19.3. Interleaved rounds, one
 * process per client and round, medians. Several package builds can be compared in one run
 * (e.g. before/after a change): each `--package DIR` is a directory holding a build made by
 * bench/lib/package-build.ts (BENCH_PACKAGE_DIR=DIR). Usage:
 *   npx tsx bench/cpu-per-call.ts [--package DIR]... [--rounds 5] [--seconds 4] [--concurrency 64]
 *     [--connections 64] [--cpu-prof DIR]
 * With no --package it uses the bench's own build (.tmp/bench-pkg). --cpu-prof writes one V8
 * profile per run into DIR/sdk or DIR/floor (read it with bench/profile-summary.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { median } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    package: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1.5' },
    concurrency: { type: 'string', default: '64' },
    connections: { type: 'string', default: '64' },
    'cpu-prof': { type: 'string' },
  },
});
const packages = (values.package ?? [process.env.BENCH_PACKAGE_DIR ?? '.tmp/bench-pkg']).map((p) =>
  resolve(p),
);

// The `client` kind: our HTTP/1.1 pool from the current src/, bundled as plain ESM (no loader).
const clientBundle = resolve('.tmp/bench-http1/http1-client.mjs');
await build({
  stdin: {
    contents:
      "export { Http1Pool } from './src/transports/http/http1-pool.ts';\n" +
      "export { socketConnector } from './src/transports/http/socket-connector.ts';\n",
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: clientBundle,
  logLevel: 'warning',
});

const server = spawn('npx', ['tsx', 'bench/model-server.ts', JSON.stringify({ model: 'neutral' })], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const target = await new Promise<Record<string, unknown>>((ok) => {
  server.stdout.once('data', (chunk: Buffer) => ok(JSON.parse(chunk.toString().split('\n')[0]!)));
});

// The client on core 1 when taskset exists, as bench/lib/cpu-pin.ts does for the bench.
let pin: string[] = [];
try {
  execFileSync('taskset', ['-c', '1', 'true']);
  pin = ['taskset', '-c', '1'];
} catch {}

function run(kind: 'sdk' | 'client' | 'floor', packageDir: string, profile: string | undefined) {
  const args = JSON.stringify({
    kind,
    packageDir,
    clientBundle,
    target,
    concurrency: Number(values.concurrency),
    connections: Number(values.connections),
    seconds: Number(values.seconds),
    warmup: Number(values.warmup),
  });
  const node = [
    'node',
    ...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}/${kind}`]),
    'bench/cpu-per-call-client.mjs',
    args,
  ];
  const [cmd, ...rest] = [...pin, ...node] as [string, ...string[]];
  const out = execFileSync(cmd, rest, { encoding: 'utf8', cwd: process.cwd() });
  return JSON.parse(out.trim().split('\n').pop()!) as { cpuUsPerCall: number; reqPerSec: number };
}

const rows = new Map<string, Array<{ cpuUsPerCall: number; reqPerSec: number }>>();
const add = (name: string, r: { cpuUsPerCall: number; reqPerSec: number }) => {
  rows.set(name, [...(rows.get(name) ?? []), r]);
  process.stderr.write(`${name}: ${r.cpuUsPerCall.toFixed(1)} us/call, ${r.reqPerSec.toFixed(0)} req/s\n`);
};
for (let round = 0; round < Number(values.rounds); round++) {
  add('floor', run('floor', packages[0]!, values['cpu-prof']));
  add('client', run('client', packages[0]!, values['cpu-prof']));
  for (const p of packages) add(`sdk ${p}`, run('sdk', p, values['cpu-prof']));
}
server.stdin.end();

const floor = rows.get('floor')!;
const floorCpu = median(floor.map((r) => r.cpuUsPerCall));
const floorRps = median(floor.map((r) => r.reqPerSec));
console.log(
  `c=${values.concurrency}, ${values.connections} connections, ${values.rounds} rounds of ${values.seconds} s (medians)`,
);
console.log('| client | CPU us/call | x floor | req/s | x floor |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, rs] of rows) {
  const cpu = median(rs.map((r) => r.cpuUsPerCall));
  const rps = median(rs.map((r) => r.reqPerSec));
  console.log(
    `| ${name} | ${cpu.toFixed(1)} | ${(cpu / floorCpu).toFixed(2)} | ${rps.toFixed(0)} | ${(rps / floorRps).toFixed(2)} |`,
  );
}
