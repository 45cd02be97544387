/**
 * Shell backends, issue 5: N sequential and N concurrent (16 at a time) `GET /version`
 * calls over ssh (ssh2, one connection), openssh (multiplexed), one connection per call
 * (ssh2 and the ssh binary), and Debian's python3-proxmoxer `ssh_paramiko` backend, all on
 * the same local sshd (test/integration/sshd) and the same stand-in pvesh.
 *
 * The stand-in here is a static shell script (printf of a fixed /version answer): the
 * figures are then the transports' own cost, not Node's start-up in the stand-in, which
 * is the same for every client. A real pvesh spends ~0.3-0.5 s in Perl on top of this.
 *
 * Needs root (the fixture adds a test user and runs sshd). `--calls N` (default 500;
 * `--quick` 100) and `--per-call N` for the connection-per-call rows (default 50; 20).
 * Prints a table and, last, one JSON line `{"rows": [...]}` for bench/run.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveOptions } from '../src/options/resolve.js';
import { OpensshTransport } from '../src/transports/shell/openssh.js';
import { SshTransport } from '../src/transports/ssh/ssh.js';
import type { Transport } from '../src/transports/transport.js';
import { startSshd } from '../test/integration/sshd/fixture.js';

const run = promisify(execFile);
const quick = process.argv.includes('--quick');
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const N = flag('--calls', quick ? 100 : 500);
// A new connection costs 0.2-0.6 s (OpenSSH's default sntrup761 key exchange is most of it),
// so these rows do fewer calls by default to stay within bench/run.ts's time limit.
const N_PER_CALL = flag('--per-call', quick ? 20 : 50);
const CONCURRENCY = 16;
const VERSION = '{"release":"9.0","repoid":"bench","version":"9.0.3"}';

type Row = Record<string, string | number>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `fn` n times, one after another or `concurrency` at a time; returns the figures. */
async function measure(fn: () => Promise<void>, n: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      try {
        await fn();
      } catch (e) {
        if (errors++ === 0) console.error(String(e));
      }
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { wall, p50: percentile(latencies, 50), p95: percentile(latencies, 95), errors };
}

const sshd = await startSshd();
writeFileSync(join(sshd.binDir, 'pvesh'), `#!/bin/sh\nprintf '%s\\n' '${VERSION}'\n`, { mode: 0o755 });
const scratch = mkdtempSync(join(tmpdir(), 'pxsdk-bench-'));
const rows: Row[] = [];

async function row(client: string, fn: () => Promise<void>, setup?: () => Promise<void>, n = N) {
  for (const [mode, concurrency] of [
    ['sequential', 1],
    [`concurrent x${CONCURRENCY}`, CONCURRENCY],
  ] as const) {
    await setup?.();
    const before = sshd.connections();
    const m = await measure(fn, n, concurrency);
    rows.push({
      client,
      mode,
      calls: n,
      'total s': Number((m.wall / 1000).toFixed(2)),
      'calls/s': Math.round((n / m.wall) * 1000),
      'p50 ms': Number(m.p50.toFixed(1)),
      'p95 ms': Number(m.p95.toFixed(1)),
      'ssh connections': sshd.connections() - before,
      errors: m.errors,
    });
    console.error(`${client} ${mode}: ${(m.wall / 1000).toFixed(2)} s`);
  }
}

const base = {
  host: `127.0.0.1:${sshd.port}`,
  user: sshd.user,
  knownHostsFile: sshd.knownHostsFile,
} as const;

async function version(t: Transport) {
  const res = await t.request({ method: 'GET', path: '/version', params: {}, headers: {} });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
}

try {
  // Connection set-up happens before timing (one warm-up call), as a long-lived client sees it.
  let ssh: SshTransport | undefined;
  await row(
    'ssh (ssh2, one connection)',
    () => version(ssh!),
    async () => {
      await ssh?.close();
      ssh = new SshTransport(resolveOptions({ ...base, backend: 'ssh', privateKeyFile: sshd.keyFile }));
      await version(ssh);
    },
  );
  await ssh?.close();

  let openssh: OpensshTransport | undefined;
  await row(
    'openssh (ControlMaster)',
    () => version(openssh!),
    async () => {
      await openssh?.close();
      openssh = new OpensshTransport(
        resolveOptions({ ...base, backend: 'openssh', identityFile: sshd.keyFile }),
      );
      await version(openssh);
    },
  );
  await openssh?.close();

  await row(
    'ssh2, new connection per call',
    async () => {
      const t = new SshTransport(resolveOptions({ ...base, backend: 'ssh', privateKeyFile: sshd.keyFile }));
      try {
        await version(t);
      } finally {
        await t.close();
      }
    },
    undefined,
    N_PER_CALL,
  );

  const plainSsh = [
    ...['-i', sshd.keyFile, '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`, '-o', 'BatchMode=yes'],
    ...['-o', 'ControlMaster=no', '-o', 'ControlPath=none', '-p', String(sshd.port), '-l', sshd.user],
  ];
  await row(
    'ssh binary, new connection per call',
    async () => {
      const { stdout } = await run('ssh', [
        ...plainSsh,
        '127.0.0.1',
        'pvesh get /version --output-format json',
      ]);
      if (!stdout.includes('9.0.3')) throw new Error('unexpected answer');
    },
    undefined,
    N_PER_CALL,
  );

  const script = join(scratch, 'proxmoxer_bench.py');
  writeFileSync(
    script,
    [
      'import json, sys, time',
      'from concurrent.futures import ThreadPoolExecutor',
      'from proxmoxer import ProxmoxAPI',
      'port, user, key, n, conc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])',
      'def client():',
      "    px = ProxmoxAPI('127.0.0.1', user=user, port=int(port), private_key_file=key, backend='ssh_paramiko', service='PVE')",
      '    px.version.get()',
      '    return px',
      'def measure(px, workers):',
      '    lat = []',
      '    def one(_):',
      '        t = time.perf_counter(); v = px.version.get(); lat.append(time.perf_counter() - t)',
      "        assert v['version'] == '9.0.3'",
      '    t0 = time.perf_counter()',
      '    if workers == 1:',
      '        for i in range(n): one(i)',
      '    else:',
      '        with ThreadPoolExecutor(workers) as ex: list(ex.map(one, range(n)))',
      '    wall = time.perf_counter() - t0',
      '    lat.sort()',
      "    return {'wall': wall, 'p50': lat[len(lat) // 2], 'p95': lat[min(len(lat) - 1, int(len(lat) * 0.95))]}",
      "print(json.dumps({'seq': measure(client(), 1), 'conc': measure(client(), conc)}))",
    ].join('\n'),
  );
  const before = sshd.connections();
  const py = await run(
    '/usr/bin/python3',
    [script, String(sshd.port), sshd.user, sshd.keyFile, String(N), String(CONCURRENCY)],
    {
      maxBuffer: 1 << 20,
    },
  );
  const figures = JSON.parse(py.stdout.trim().split('\n').pop()!) as Record<
    'seq' | 'conc',
    { wall: number; p50: number; p95: number }
  >;
  for (const [key, mode] of [
    ['seq', 'sequential'],
    ['conc', `concurrent x${CONCURRENCY}`],
  ] as const) {
    const f = figures[key];
    rows.push({
      client: 'proxmoxer 1.2 ssh_paramiko (python3)',
      mode,
      calls: N,
      'total s': Number(f.wall.toFixed(2)),
      'calls/s': Math.round(N / f.wall),
      'p50 ms': Number((f.p50 * 1000).toFixed(1)),
      'p95 ms': Number((f.p95 * 1000).toFixed(1)),
      // One ProxmoxAPI client per mode.
      'ssh connections': (sshd.connections() - before) / 2,
      errors: 0,
    });
  }
} finally {
  await sshd.stop();
  rmSync(scratch, { recursive: true, force: true });
}

const columns = Object.keys(rows[0]!);
const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(
  `GET /version over the shell backends (static stand-in pvesh, local sshd, load ${loadavg()[0]!.toFixed(1)})`,
);
console.log(line(columns));
for (const r of rows) console.log(line(columns.map((c) => String(r[c]))));
console.log(JSON.stringify({ rows }));
