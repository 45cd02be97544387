/**
 * Polling with backoff, a deadline and the caller's signal: the one loop behind task waits
 * (`px.tasks.wait`, `px.tasks.log`) and the workflows' waits for a guest's state or agent,
 * which PVE offers no task for. Each check runs under a signal that fires at the deadline
 * too, so a check in flight is cut off rather than outliving the timeout.
 */
import { AbortError, TimeoutError } from './errors.js';
import { sleep } from './sleep.js';

/** Pauses that grow by half from `first` up to `cap` (ms); `reset` starts over. */
export class Backoff {
  readonly #first: number;
  readonly #cap: number;
  #delay: number;
  constructor(first: number, cap = 2_000) {
    this.#first = first;
    this.#cap = cap;
    this.#delay = first;
  }
  /** The next pause. */
  next(): number {
    const delay = this.#delay;
    this.#delay = Math.min(this.#cap, delay * 1.5);
    return delay;
  }
  reset(): void {
    this.#delay = this.#first;
  }
}

export interface PollOptions {
  signal?: AbortSignal | undefined;
  /** Milliseconds before the wait gives up with TimeoutError; none without it. */
  timeout?: number | undefined;
  /** First pause between checks, in ms. @default 200 */
  interval?: number | undefined;
}

export interface PollErrors {
  /** Names the wait in the default errors ("waiting for <what> was aborted"). */
  what: string;
  /** The error at the deadline. @default TimeoutError "<what>: not reached after <timeout> ms" */
  timeout?: () => Error;
  /** The error when the caller's signal fires. @default AbortError "waiting for <what> was aborted" */
  aborted?: (reason: unknown) => Error;
  /** Errors a check threw that stay as they are even when an abort came meanwhile. */
  keep?: (error: unknown) => boolean;
}

/**
 * Calls `check` until it answers a value other than undefined, pausing with backoff between
 * calls. Rejects with TimeoutError at `timeout` and AbortError when the caller's signal fires
 * (mid-check or mid-pause); any other error of `check` ends the wait as it is.
 */
export async function poll<T>(
  check: (signal: AbortSignal) => Promise<T | undefined>,
  options: PollOptions,
  errors: PollErrors,
): Promise<T> {
  const user = options.signal;
  const limit = new AbortController();
  const timer =
    options.timeout === undefined
      ? undefined
      : setTimeout(() => limit.abort(new Error('timeout')), Math.max(0, options.timeout));
  const signal = user === undefined ? limit.signal : AbortSignal.any([user, limit.signal]);
  const backoff = new Backoff(options.interval ?? 200);
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const value = await check(signal);
      if (value !== undefined) return value;
      await sleep(backoff.next(), signal);
    }
  } catch (error) {
    if (user?.aborted && !errors.keep?.(error)) {
      throw (
        errors.aborted?.(user.reason) ??
        new AbortError(`waiting for ${errors.what} was aborted`, { cause: user.reason })
      );
    }
    if (limit.signal.aborted && !user?.aborted && !errors.keep?.(error)) {
      throw errors.timeout?.() ?? new TimeoutError(`${errors.what}: not reached after ${options.timeout} ms`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
