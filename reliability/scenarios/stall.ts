/**
 * `timeout` and AbortSignal end a stalled request and leave nothing open (issue 9). Each
 * case runs in a child process (children/stall-child.ts) against something that never
 * answers; it passes when the request settled with the expected error code and the child
 * then exited by itself within `exitBoundMs`. This is an exit check, not a timing test.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';
import { runPool } from '../lib/pool.js';

export type StallBackend = 'https' | 'mock' | 'local' | 'local-wrapper' | 'ssh' | 'openssh';

export interface StallCase {
  backend: StallBackend;
  mode: 'timeout' | 'abort';
  /** Close the client after the failure (`await using`); otherwise just return. */
  close?: boolean;
}

export interface StallRow extends Required<StallCase> {
  /** How the request ended in the child (error code), or 'never settled'. */
  ended: string;
  /** The child's `timeout`, and when the abort fired. */
  limitMs: number;
  /** Milliseconds from the start of the request until it ended, as the child measured. */
  endedAfterMs: number | null;
  /** Whether the child exited by itself within the bound. */
  exited: boolean;
  /** Milliseconds from the child's report of the end to its exit (null when it was killed). */
  exitAfterMs: number | null;
  exitCode: number | null;
  /** Whether the stand-in tool's sleeping process was still running after the child exited. */
  leftProcess: boolean;
  /** Local rows: whether the stand-in tool got as far as starting its sleep. */
  toolStarted?: boolean;
  pass: boolean;
}

const CHILD = fileURLToPath(new URL('../children/stall-child.ts', import.meta.url));
/** The repository root, so that `--import tsx` resolves from the project's node_modules. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The child's default limit (reliability/children/stall-child.ts). */
const DEFAULT_LIMIT_MS = 300;
const EXPECTED: Record<StallCase['mode'], string> = { timeout: 'PROXMOX_TIMEOUT', abort: 'PROXMOX_ABORTED' };

/** An HTTPS server that completes the handshake, reads the request and never answers. */
async function silentServer(): Promise<{
  server: Server;
  host: string;
  fingerprint: string;
  sockets: Set<Socket>;
}> {
  const cert = await simulatorCertificate();
  const sockets = new Set<Socket>();
  const server = createServer({ key: cert.key, cert: cert.cert }, () => {});
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, host: `127.0.0.1:${port}`, fingerprint: cert.fingerprint, sockets };
}

/**
 * Stand-ins for pvesh: `exec sleep` is a tool that dies on SIGTERM; the wrapper is a shell
 * script whose sleeping child outlives it (as a tool run through a wrapper would).
 */
async function fakeTools(): Promise<{ dir: string; paths: Record<'local' | 'local-wrapper', string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'proxmox-stall-'));
  const paths = { local: join(dir, 'exec'), 'local-wrapper': join(dir, 'wrapper') };
  // Each writes the pid of the process that sleeps, so the parent can tell whether it outlived the request.
  const scripts = {
    local: '#!/bin/sh\necho $$ > "$STALL_PIDFILE"\nexec sleep 3600\n',
    'local-wrapper': '#!/bin/sh\nsleep 3600 &\necho $! > "$STALL_PIDFILE"\nwait\n',
  };
  for (const kind of ['local', 'local-wrapper'] as const) {
    await mkdir(paths[kind]);
    await writeFile(join(paths[kind], 'pvesh'), scripts[kind]);
    await chmod(join(paths[kind], 'pvesh'), 0o755);
  }
  return { dir, paths };
}

/** Whether the process named in the pid file still runs; if so it is ended (it is ours). */
async function reapLeftover(pidFile: string): Promise<boolean> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  await rm(pidFile, { force: true });
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed process whose parent is gone stays a zombie where PID 1 does not reap (containers):
  // it no longer runs.
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (/^\d+ \(.*\) Z/.test(state)) return false;
  process.kill(pid, 'SIGKILL');
  return true;
}

interface ChildRun {
  line: Record<string, unknown>;
  exited: boolean;
  exitCode: number | null;
  exitAfterMs: number | null;
}

function runChild(env: Record<string, string>, exitBoundMs: number) {
  return new Promise<ChildRun>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let reportedAt: number | undefined;
    let exitedAt: number | undefined;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (reportedAt === undefined && out.includes('\n')) reportedAt = performance.now();
    });
    child.on('exit', () => {
      exitedAt = performance.now();
    });
    child.stderr.resume();
    let exited = true;
    const guard = setTimeout(() => {
      exited = false;
      child.kill('SIGKILL');
    }, exitBoundMs);
    child.on('close', (code) => {
      clearTimeout(guard);
      const last = out.trim().split('\n').pop() ?? '';
      let line: Record<string, unknown> = {};
      try {
        line = JSON.parse(last) as Record<string, unknown>;
      } catch {
        line = { settled: false, output: last.slice(0, 200) };
      }
      const exitAfterMs =
        exited && reportedAt !== undefined && exitedAt !== undefined
          ? Math.round(exitedAt - reportedAt)
          : null;
      resolve({ line, exited, exitCode: code, exitAfterMs });
    });
  });
}

/** The shell backends' sshd fixture (test/integration/sshd), started only when a case needs it. */
async function sshdFor(cases: readonly StallCase[]) {
  if (!cases.some((c) => c.backend === 'ssh' || c.backend === 'openssh')) return undefined;
  const { startSshd } = await import('../../test/integration/sshd/fixture.js');
  return startSshd();
}

export async function runStall(cases: readonly StallCase[], exitBoundMs = 15_000): Promise<StallRow[]> {
  const silent = await silentServer();
  const tools = await fakeTools();
  let sshd: Awaited<ReturnType<typeof sshdFor>>;
  try {
    // Missing sshd (or root) throws here: the ssh rows fail, they are never skipped.
    sshd = await sshdFor(cases);
    // Two children at a time: each compiles the SDK through tsx, and CI machines have few cores.
    const rows = await runPool(cases.length, 2, async (i) => {
      const c = cases[i]!;
      const env: Record<string, string> = {
        STALL_BACKEND: c.backend === 'local-wrapper' ? 'local' : c.backend,
        STALL_MODE: c.mode,
        STALL_HOST: silent.host,
        STALL_FINGERPRINT: silent.fingerprint,
        STALL_CLOSE: c.close ? '1' : '0',
      };
      if (c.backend === 'local' || c.backend === 'local-wrapper') {
        env.PATH = `${tools.paths[c.backend]}:${process.env.PATH ?? ''}`;
        env.STALL_PIDFILE = join(tools.dir, `pid-${i}`);
        env.STALL_LIMIT_MS = '1000';
      }
      if ((c.backend === 'ssh' || c.backend === 'openssh') && sshd !== undefined) {
        // The stand-in runs as sshd's test user: the pid file goes where that user may write.
        env.STALL_PIDFILE = join(tmpdir(), `proxmox-stall-${process.pid}-${i}.pid`);
        env.STALL_LIMIT_MS = '1500';
        env.STALL_PATH = '/_test/sleep';
        env.STALL_PARAMS = JSON.stringify({ ms: '3600000', pidfile: env.STALL_PIDFILE });
        env.STALL_OPTIONS = JSON.stringify({
          backend: c.backend,
          host: `127.0.0.1:${sshd.port}`,
          user: sshd.user,
          knownHostsFile: sshd.knownHostsFile,
          ...(c.backend === 'ssh' ? { privateKeyFile: sshd.keyFile } : { identityFile: sshd.keyFile }),
        });
      }
      const { line, exited, exitCode, exitAfterMs } = await runChild(env, exitBoundMs);
      const toolStarted =
        env.STALL_PIDFILE === undefined
          ? undefined
          : await stat(env.STALL_PIDFILE).then(
              () => true,
              () => false,
            );
      const leftProcess = env.STALL_PIDFILE === undefined ? false : await reapLeftover(env.STALL_PIDFILE);
      const ended = line.settled === true ? String(line.ok ? 'success' : line.code) : 'never settled';
      return {
        backend: c.backend,
        mode: c.mode,
        close: c.close ?? false,
        ended,
        limitMs: Number(env.STALL_LIMIT_MS ?? DEFAULT_LIMIT_MS),
        endedAfterMs: typeof line.afterMs === 'number' ? line.afterMs : null,
        exited,
        exitAfterMs,
        exitCode,
        leftProcess,
        ...(toolStarted === undefined ? {} : { toolStarted }),
        pass: exited && exitCode === 0 && !leftProcess && ended === EXPECTED[c.mode],
      };
    });
    return rows.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
  } finally {
    for (const s of silent.sockets) s.destroy();
    await new Promise<void>((resolve) => silent.server.close(() => resolve()));
    await rm(tools.dir, { recursive: true, force: true });
    await sshd?.stop();
  }
}

export const STALL_CASES: readonly StallCase[] = [
  { backend: 'https', mode: 'timeout' },
  { backend: 'https', mode: 'abort' },
  { backend: 'https', mode: 'timeout', close: true },
  { backend: 'mock', mode: 'timeout' },
  { backend: 'mock', mode: 'abort' },
  { backend: 'local', mode: 'timeout' },
  { backend: 'local', mode: 'abort' },
  { backend: 'local-wrapper', mode: 'timeout' },
  { backend: 'ssh', mode: 'timeout' },
  { backend: 'ssh', mode: 'abort' },
  { backend: 'ssh', mode: 'timeout', close: true },
  { backend: 'openssh', mode: 'timeout' },
  { backend: 'openssh', mode: 'abort' },
];
