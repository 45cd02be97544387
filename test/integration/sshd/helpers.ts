/** Small helpers the shell backend tests share. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProxmoxOptions } from '../../../src/options.js';
import { resolveOptions } from '../../../src/resolve-options.js';
import type {
  HttpMethod,
  Params,
  Transport,
  TransportResponse,
  UploadPart,
} from '../../../src/transports/transport.js';

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
