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
