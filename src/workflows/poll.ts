/**
 * Polls until a condition holds: the waits for a guest's state or agent, which PVE offers no
 * task for. Backs off from 200 ms to 2 s, as task waits do, and stops at `timeout`.
 */
import { AbortError, TimeoutError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';

export interface PollOptions {
  signal?: AbortSignal;
  /** Milliseconds before TimeoutError. @default 300000 */
  timeout?: number;
  /** First pause between checks, in ms. @default 200 */
  interval?: number;
}

const DEFAULT_TIMEOUT = 300_000;
const CAP = 2_000;

/** Calls `check` until it answers a value other than undefined; `what` names the wait in errors. */
export async function pollUntil<T>(
  what: string,
  check: (signal: AbortSignal | undefined) => Promise<T | undefined>,
  options: PollOptions = {},
): Promise<T> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const deadline = Date.now() + timeout;
  let delay = options.interval ?? 200;
  for (;;) {
    if (options.signal?.aborted)
      throw new AbortError(`waiting for ${what} was aborted`, { cause: options.signal.reason });
    const value = await check(options.signal);
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError(`${what}: not reached after ${timeout} ms`);
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(CAP, delay * 1.5);
  }
}
