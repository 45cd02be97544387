/**
 * Large answers: time per call and how far the call pushes the process's peak memory.
 * The peak is the kernel's high-water mark (maxRSS), so it catches the transient peak
 * inside a synchronous JSON.parse that a sampling timer would miss; the worker is fresh,
 * so the mark before the call is only start-up and one small warm-up request.
 */
import type { BenchClient } from './bench-client.js';

export interface LargeResult {
  items: number;
  /** Growth of peak RSS caused by the first large call, in bytes. */
  peakRssDelta: number;
  /** JS heap the live answer holds after a full GC (worker started with --expose-gc), in bytes. */
  heapHeld: number;
  /** Wall time of each call, ms (the first one included). */
  timesMs: number[];
  /** This process's CPU time (user + system) during each call, ms: the client's own cost. */
  cpuMs: number[];
}

export async function measureLarge(client: BenchClient, path: string, repeats: number): Promise<LargeResult> {
  await client.get('/version');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const heapBefore = process.memoryUsage().heapUsed;
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  let answer = (await client.get(path)) as unknown[];
  timesMs.push(performance.now() - t0);
  cpuMs.push(cpuSince(cpu0));
  // Measured after a collection: what the answer keeps alive, not the garbage parsing left.
  gc?.();
  const heapHeld = gc === undefined ? -1 : process.memoryUsage().heapUsed - heapBefore;
  const peakRssDelta = process.resourceUsage().maxRSS * 1024 - peakBefore;
  const items = Array.isArray(answer) ? answer.length : -1;
  for (let i = 1; i < repeats; i++) {
    answer = [];
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    answer = (await client.get(path)) as unknown[];
    timesMs.push(performance.now() - t0);
    cpuMs.push(cpuSince(cpu0));
  }
  return { items, peakRssDelta, heapHeld, timesMs, cpuMs };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
