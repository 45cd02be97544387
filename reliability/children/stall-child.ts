/**
 * Child process of the stall scenario: one request against something that never answers,
 * ended by `timeout` or an AbortSignal. It prints one JSON line with how the request ended
 * and then simply returns: the parent checks that the process exits by itself, which it
 * only does when the SDK left no timer, socket or child process behind.
 *
 * Environment: STALL_BACKEND (https | mock | local), STALL_MODE (timeout | abort),
 * STALL_HOST and STALL_FINGERPRINT for https, STALL_CLOSE=1 to close the client afterwards;
 * STALL_OPTIONS (JSON, over the backend's defaults), STALL_PATH and STALL_PARAMS (JSON) for
 * the ssh backends, whose stand-in tool sleeps on `/_test/sleep`.
 */
import { type ProxmoxOptions, ProxmoxSDK } from '../../src/index.js';
import { type SimResponse, SimulatorEngine } from '../../src/simulator/index.js';

/** Long enough for a stand-in tool to start on a loaded machine before it is stopped. */
const LIMIT_MS = Number(process.env.STALL_LIMIT_MS ?? 300);
const env = process.env;
const backend = env.STALL_BACKEND ?? 'https';
const mode = env.STALL_MODE ?? 'timeout';
let reported = false;

function report(line: Record<string, unknown>): void {
  reported = true;
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

// A request the SDK never settled is a failure even if the process then exits.
process.on('exit', () => {
  if (!reported) process.stdout.write(`${JSON.stringify({ settled: false })}\n`);
});

function options(): ProxmoxOptions {
  const timeout = mode === 'timeout' ? { timeout: LIMIT_MS } : {};
  if (backend === 'https') {
    return {
      host: env.STALL_HOST!,
      fingerprint: env.STALL_FINGERPRINT!,
      user: 'root@pam',
      tokenName: 'stall',
      tokenValue: 'stall-0000',
      retries: 0,
      ...timeout,
    };
  }
  if (backend === 'mock') {
    const engine = new SimulatorEngine({ service: 'PVE' });
    // The engine stalls forever; its timer is unref'd so that only the SDK can keep the process up.
    engine.handle = () =>
      new Promise<SimResponse>(() => {
        setTimeout(() => {}, 3_600_000).unref();
      });
    return { backend: 'mock', engine, user: 'root@pam', password: 'proxmox', retries: 0, ...timeout };
  }
  if (backend === 'local') return { backend: 'local', retries: 0, ...timeout };
  return { ...(JSON.parse(env.STALL_OPTIONS ?? '{}') as ProxmoxOptions), retries: 0, ...timeout };
}

const px = new ProxmoxSDK(options());
const controller = new AbortController();
if (mode === 'abort') setTimeout(() => controller.abort(new Error('stop')), LIMIT_MS);
const started = performance.now();
try {
  const route = `GET ${env.STALL_PATH ?? '/version'}` as 'GET /version';
  const params = JSON.parse(env.STALL_PARAMS ?? '{}') as Record<string, string>;
  await px.request(route, params as never, mode === 'abort' ? { signal: controller.signal } : {});
  report({ settled: true, ok: true });
} catch (error) {
  report({
    settled: true,
    ok: false,
    code: (error as { code?: string }).code ?? (error as Error).constructor.name,
    afterMs: Math.round(performance.now() - started),
  });
}
if (env.STALL_CLOSE === '1') await px.close();
