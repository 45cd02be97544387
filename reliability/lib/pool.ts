/** Runs `count` jobs with at most `concurrency` in flight; every job's outcome is kept. */
export async function runPool<T>(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<T>,
): Promise<Array<PromiseSettledResult<T>>> {
  const results: Array<PromiseSettledResult<T>> = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await job(index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** `{ PROXMOX_CONNECTION: 3, ... }`: failures by the SDK's error code (or the class name if none). */
export function countCodes(failures: readonly unknown[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const error of failures) {
    const code =
      typeof (error as { code?: unknown })?.code === 'string'
        ? (error as { code: string }).code
        : `not a ProxmoxError: ${(error as Error)?.constructor?.name ?? typeof error}`;
    out[code] = (out[code] ?? 0) + 1;
  }
  return out;
}
