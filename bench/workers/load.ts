/**
 * Load shapes shared by every Node client. Each returns raw counts and the process's own
 * CPU time; medians and ratios are the runner's business.
 */
import type { BenchClient } from './bench-client.js';

export interface LoadResult {
  count: number;
  failures: number;
  elapsedMs: number;
  /** User + system CPU of this whole process (client, undici, GC) during the run, in µs. */
  cpuUs: number;
  firstError?: string;
}

/** Live counters of a run, readable (and stoppable) while it goes on. */
export interface LoadProgress {
  count: number;
  failures: number;
  stopped: boolean;
}

/**
 * `concurrency` callers, each calling again as soon as its answer arrives, until the
 * deadline (`durationMs`) or, without one, until `progress.stopped` is set from outside.
 */
export async function closedLoop(
  client: BenchClient,
  path: string,
  concurrency: number,
  durationMs: number | undefined,
  progress: LoadProgress = { count: 0, failures: 0, stopped: false },
): Promise<LoadResult> {
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = durationMs === undefined ? Number.POSITIVE_INFINITY : t0 + durationMs;
  const caller = async () => {
    while (!progress.stopped && performance.now() < deadline) {
      try {
        await client.get(path);
        progress.count++;
      } catch (error) {
        progress.failures++;
        firstError ??= describe(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return finish(progress.count, progress.failures, t0, cpu0, firstError);
}

/**
 * The inventory of a cluster, as a monitoring script does it: `GET /cluster/resources`, then
 * every guest's config and current status, `concurrency` calls in flight. `count` is every
 * request (the resources call included).
 */
export async function inventory(client: BenchClient, concurrency: number): Promise<LoadResult> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const resources = (await client.get('/cluster/resources')) as Array<{
    type: string;
    node: string;
    vmid: number;
  }>;
  const paths = resources
    .filter((r) => r.type === 'qemu' || r.type === 'lxc')
    .flatMap((g) => {
      const base = `/nodes/${g.node}/${g.type}/${g.vmid}`;
      return [`${base}/config`, `${base}/status/current`];
    });
  let next = 0;
  let count = 1;
  let failures = 0;
  let firstError: string | undefined;
  const caller = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      try {
        await client.get(path);
        count++;
      } catch (error) {
        failures++;
        firstError ??= describe(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return finish(count, failures, t0, cpu0, firstError);
}

/** `calls` requests started at once; done when the last one answers. */
export async function burst(client: BenchClient, path: string, calls: number): Promise<LoadResult> {
  let failures = 0;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: calls }, () =>
      client.get(path).catch((error: unknown) => {
        failures++;
        firstError ??= describe(error);
      }),
    ),
  );
  return finish(calls - failures, failures, t0, cpu0, firstError);
}

function finish(
  count: number,
  failures: number,
  t0: number,
  cpu0: NodeJS.CpuUsage,
  firstError: string | undefined,
): LoadResult {
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const result: LoadResult = { count, failures, elapsedMs, cpuUs: cpu.user + cpu.system };
  if (firstError !== undefined) result.firstError = firstError.slice(0, 300);
  return result;
}

/** The message and its causes: peers wrap the interesting part (e.g. a TLS error) two levels down. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(' <- ');
}
