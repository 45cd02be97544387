/** In-process helpers: run calls as root (like pvesh) and finish tasks by moving the clock. */
import { expect } from 'vitest';
import type { EngineOptions } from '../../src/simulator/index.js';
import { type CallResult, SimulatorEngine } from '../../src/simulator/index.js';

export function demoEngine(options: EngineOptions = {}): SimulatorEngine {
  return new SimulatorEngine({ taskDurationMs: 1000, ...options });
}

export async function ok(
  engine: SimulatorEngine,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  params: Record<string, string | string[]> = {},
): Promise<any> {
  const result = await engine.call(method, path, params);
  expect(
    result.status,
    `${method} ${path}: ${result.message ?? ''} ${JSON.stringify(result.errors ?? {})}`,
  ).toBe(200);
  return result.data;
}

export async function fails(
  engine: SimulatorEngine,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  params: Record<string, string | string[]> = {},
): Promise<CallResult> {
  const result = await engine.call(method, path, params);
  expect(result.status, `${method} ${path} should fail`).toBeGreaterThanOrEqual(400);
  return result;
}

/** Moves the clock past the task's end and returns its final status. */
export async function finish(engine: SimulatorEngine, upid: string): Promise<any> {
  const node = upid.split(':')[1]!;
  engine.clock.advance(2000);
  const status = await ok(engine, 'GET', `/nodes/${node}/tasks/${upid}/status`);
  expect(status.status).toBe('stopped');
  return status;
}

export interface Caller {
  headers: Record<string, string>;
}

/** Logs in over the engine's HTTP interface and returns cookie + CSRF headers. */
export async function loginAs(engine: SimulatorEngine, username: string, password: string): Promise<Caller> {
  const res = await engine.handle({
    method: 'POST',
    url: '/api2/json/access/ticket',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams({ username, password }).toString()),
  });
  expect(res.status, `login ${username}`).toBe(200);
  const data = JSON.parse(String(res.body)).data;
  return {
    headers: {
      cookie: `${engine.service}AuthCookie=${encodeURIComponent(data.ticket)}`,
      csrfpreventiontoken: data.CSRFPreventionToken,
    },
  };
}

export function tokenCaller(engine: SimulatorEngine, tokenId: string, secret: string): Caller {
  const sep = engine.service === 'PVE' ? '=' : ':';
  return { headers: { authorization: `${engine.service}APIToken=${tokenId}${sep}${secret}` } };
}

/**
 * A request as the given caller; answers status, reason phrase, message and data. The
 * message is the envelope's (PVE, PMG) or the bare body (PBS and PDM errors).
 */
export async function as(
  engine: SimulatorEngine,
  caller: Caller,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  params: Record<string, string> = {},
): Promise<{ status: number; statusText: string; message: string; data: any }> {
  const search = new URLSearchParams(params).toString();
  const body = method === 'POST' || method === 'PUT';
  const res = await engine.handle({
    method,
    url: `/api2/json${path}${!body && search ? `?${search}` : ''}`,
    headers: body
      ? { ...caller.headers, 'content-type': 'application/x-www-form-urlencoded' }
      : caller.headers,
    ...(body && search ? { body: Buffer.from(search) } : {}),
  });
  const text = String(res.body);
  let parsed: { data?: unknown; message?: string };
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  const message = (parsed.message ?? '').trim();
  return { status: res.status, statusText: res.statusText, message, data: parsed.data ?? null };
}

/** The body as JSON, or undefined where it is not (bare and plain-text answers). */
export function jsonOf(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Creates a container from the demo template on local-lvm and waits for it; answers its config path. */
export async function createContainer(
  engine: SimulatorEngine,
  vmid: number,
  params: Record<string, string> = {},
  node = 'pve1',
): Promise<string> {
  const ostemplate = 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst';
  await finish(
    engine,
    await ok(engine, 'POST', `/nodes/${node}/lxc`, {
      vmid: String(vmid),
      ostemplate,
      rootfs: 'local-lvm:1',
      ...params,
    }),
  );
  return `/nodes/${node}/lxc/${vmid}/config`;
}
