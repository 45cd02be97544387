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
  /** JS heap still held while the answer is alive, in bytes. */
  heapHeld: number;
  /** Wall time of each call, ms (the first one included). */
  timesMs: number[];
}

export async function measureLarge(client: BenchClient, path: string, repeats: number): Promise<LargeResult> {
  await client.get('/version');
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const heapBefore = process.memoryUsage().heapUsed;
  const timesMs: number[] = [];
  let t0 = performance.now();
  let answer = (await client.get(path)) as unknown[];
  timesMs.push(performance.now() - t0);
  const heapHeld = process.memoryUsage().heapUsed - heapBefore;
  const peakRssDelta = process.resourceUsage().maxRSS * 1024 - peakBefore;
  const items = Array.isArray(answer) ? answer.length : -1;
  for (let i = 1; i < repeats; i++) {
    answer = [];
    t0 = performance.now();
    answer = (await client.get(path)) as unknown[];
    timesMs.push(performance.now() - t0);
  }
  return { items, peakRssDelta, heapHeld, timesMs };
}
