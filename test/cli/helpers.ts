/**
 * Drives the built `proxmox` binary (dist/cli.js) as a child process. The binary is built
 * once if missing or older than anything under src/ or tsup.config.ts (the JavaScript only,
 * never cleaning dist/, so the declarations stay); a lock file keeps parallel test files
 * from building twice. PROXMOX_CLI_BIN points the tests at another build.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningSimulator } from '../../src/simulator/index.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST_CLI = join(REPO, 'dist/cli.js');
const LOCK = join(REPO, 'dist/.cli-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The CLI bundles the whole library, so any change under src/ (or to the build) makes it stale. */
const upToDate = () =>
  existsSync(DIST_CLI) &&
  statSync(DIST_CLI).mtimeMs >=
    Math.max(newestSource(join(REPO, 'src')), statSync(join(REPO, 'tsup.config.ts')).mtimeMs);

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** The project's own build config, without cleaning dist/ or building declarations (PROXMOX_QUICK_BUILD). */
async function buildCli(): Promise<void> {
  const code = await run(join(REPO, 'node_modules/.bin/tsup'), ['--silent'], { PROXMOX_QUICK_BUILD: '1' });
  if (code !== 0) throw new Error(`building the CLI failed (tsup exit ${code})`);
}

let built: Promise<string> | undefined;

/** The path of the binary to test; builds dist/cli.js first when needed. */
export function cliBin(): Promise<string> {
  const override = process.env.PROXMOX_CLI_BIN;
  if (override) return Promise.resolve(override);
  built ??= (async () => {
    mkdirSync(dirname(LOCK), { recursive: true });
    for (let waited = 0; !upToDate(); waited += 200) {
      let fd: number | undefined;
      try {
        fd = openSync(LOCK, 'wx');
      } catch {
        // Another test file is building: wait for it (a lock older than 2 minutes is stale).
        if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 120_000) rmSync(LOCK, { force: true });
        await new Promise((r) => setTimeout(r, 200));
        if (waited > 180_000) throw new Error('timed out waiting for the CLI build lock');
        continue;
      }
      try {
        if (!upToDate()) await buildCli();
      } finally {
        closeSync(fd);
        rmSync(LOCK, { force: true });
      }
    }
    return DIST_CLI;
  })();
  return built;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeout?: number;
}

/** A clean environment: no PROXMOX_* from the developer's shell, a private config home. */
export function baseEnv(configHome: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROXMOX_')) env[k] = v;
  return { ...env, XDG_CONFIG_HOME: configHome, LANG: 'C.UTF-8', ...extra };
}

export async function proxmox(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const bin = await cliBin();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // The CLI may exit before it reads its input (a usage error): EPIPE then is no failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export interface PtyOptions {
  env: NodeJS.ProcessEnv;
  cols?: number;
  /** stderr on the terminal too (default), or on a separate pipe. */
  stderrPty?: boolean;
  send?: { after: string; text: string }[];
  timeout?: number;
}

export interface PtyResult {
  /** What the terminal showed (stdout, and stderr when on the terminal), `\r\n` as `\n`. */
  out: string;
  err: string;
  code: number;
}

/** Runs a program to its end, stdin empty, and answers its exit status and output. */
export function runCollecting(
  cmd: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...(env ? { env } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the binary under a pseudo-terminal (test/cli/pty-run.py, Python's pty module). */
export async function proxmoxInPty(args: string[], o: PtyOptions): Promise<PtyResult> {
  const bin = await cliBin();
  const spec = {
    argv: [process.execPath, bin, ...args],
    env: o.env,
    cols: o.cols ?? 80,
    stderrPty: o.stderrPty ?? true,
    send: o.send ?? [],
    timeout: (o.timeout ?? 20_000) / 1000,
  };
  const result = await runCollecting('/usr/bin/python3', [
    join(REPO, 'test/cli/pty-run.py'),
    JSON.stringify(spec),
  ]);
  if (result.code !== 0) throw new Error(`pty-run failed: ${result.stderr}`);
  const answer = JSON.parse(result.stdout) as PtyResult;
  return { ...answer, out: answer.out.replace(/\r\n/g, '\n') };
}

/** Connection flags for a running simulator, password read from stdin. */
export function connectFlags(
  sim: Pick<RunningSimulator, 'host' | 'port' | 'fingerprint'>,
  user = 'root@pam',
) {
  return ['--host', `${sim.host}:${sim.port}`, '--user', user, '--fingerprint', sim.fingerprint];
}

export function tempConfigHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'proxmox-cli-config-'));
}

/** A directory (under `parent`) with a `proxmox` that runs the built binary, as an installed one would: for PATH. */
export async function proxmoxBinDir(parent: string): Promise<string> {
  const dir = join(parent, 'bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'proxmox'), `#!/bin/sh\nexec "${process.execPath}" "${await cliBin()}" "$@"\n`, {
    mode: 0o755,
  });
  return dir;
}

/** A clean environment (baseEnv) that points at a running simulator through PROXMOX_* variables. */
export async function simulatorEnv(
  sim: Pick<RunningSimulator, 'host' | 'port' | 'fingerprint'>,
  extra: NodeJS.ProcessEnv,
): Promise<NodeJS.ProcessEnv> {
  return baseEnv(await tempConfigHome(), {
    PROXMOX_HOST: `${sim.host}:${sim.port}`,
    PROXMOX_FINGERPRINT: sim.fingerprint,
    ...extra,
  });
}
