/** Small helpers the shell backend tests share. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpMethod, Params } from '../../../src/core/types.js';
import type { ProxmoxOptions } from '../../../src/options/options.js';
import { resolveOptions } from '../../../src/options/resolve.js';
import type { Transport, TransportResponse, UploadPart } from '../../../src/transports/transport.js';

export function call(
  t: Transport,
  method: HttpMethod,
  path: string,
  params: Params = {},
  extra: { timeout?: number; signal?: AbortSignal; upload?: UploadPart } = {},
): Promise<TransportResponse> {
  return t.request({ method, path, params, headers: {}, ...extra });
}

export function data(res: TransportResponse): unknown {
  return (res.body as { data: unknown }).data;
}

export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

export function resolved(options: ProxmoxOptions) {
  return resolveOptions(options);
}

/** A private ssh-agent holding `keys`; stop() ends it. */
export async function startAgent(keys: string[]): Promise<{ socket: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'pxsdk-agent-'));
  const socket = join(dir, 'agent.sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      break;
    } catch (e) {
      // exit 1 = agent up but empty; 2 = not reachable yet
      if ((e as { status?: number }).status === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  for (const key of keys) {
    execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  }
  return {
    socket,
    stop: () => {
      agent.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a call to the sleeping stand-in, waits until the tool really runs (it writes its
 * pid to `pidfile`), cancels the call, and reports the error and whether the tool is gone.
 * Waiting for the pid keeps the check meaningful on a loaded machine, where the tool may
 * start seconds after the call.
 */
export async function cancelOnceRunning(
  start: (signal: AbortSignal, pidfile: string) => Promise<unknown>,
  pidfile: string,
): Promise<{ error: Error & { code?: string }; gone: boolean }> {
  rmSync(pidfile, { force: true });
  const ctl = new AbortController();
  const outcome = rejection(start(ctl.signal, pidfile));
  let pid = 0;
  for (let i = 0; i < 600 && !pid; i++) {
    await pause(25);
    try {
      pid = Number(readFileSync(pidfile, 'utf8')) || 0;
    } catch {
      // not written yet
    }
  }
  if (!pid) throw new Error(`the stand-in never wrote ${pidfile}`);
  ctl.abort();
  const error = await outcome;
  for (let i = 0; i < 120 && alive(pid); i++) await pause(25);
  rmSync(pidfile, { force: true });
  return { error, gone: !alive(pid) };
}
