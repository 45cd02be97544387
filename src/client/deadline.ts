/**
 * The overall deadline of one call (option `deadline`): every attempt's timeout is cut to
 * what is left, and a retry wait (backoff or Retry-After) that would outlast it is not
 * started. `timeout` alone bounds one attempt, so `retries` attempts and their waits could
 * otherwise add up to minutes (issue 15.8: 503 with `Retry-After: 999999` took 90 s).
 */
import { DeadlineError, TimeoutError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';

export class Deadline {
  readonly #ms: number;
  readonly #method: string;
  readonly #path: string;
  readonly #end: number;

  constructor(method: string, path: string, ms: number) {
    this.#method = method;
    this.#path = path;
    this.#ms = ms;
    this.#end = performance.now() + ms;
  }

  get remaining(): number {
    return this.#end - performance.now();
  }

  /**
   * The timeout of the next attempt: the option's, or less when the deadline is nearer (then
   * `cut` says so until the next attempt). A number, not an object: this runs on every call.
   */
  attemptTimeout(timeout: number): number {
    const left = this.remaining;
    if (left <= 0) throw this.#error('before the next attempt');
    this.cut = left < timeout;
    return this.cut ? Math.max(1, Math.ceil(left)) : timeout;
  }

  /** Whether the deadline cut the last attempt's timeout short. */
  cut = false;

  /** An attempt that timed out because the deadline cut it short is the deadline's doing. */
  explain(error: unknown): unknown {
    return this.cut && error instanceof TimeoutError ? this.#error('during an attempt', error) : error;
  }

  /** Waits before a retry, or throws DeadlineError (with the last failure as cause) when it would not fit. */
  async wait(ms: number, signal: AbortSignal | undefined, cause: unknown): Promise<void> {
    if (ms >= this.remaining) {
      const last = typeof cause === 'function' ? (cause as () => unknown)() : cause;
      throw this.#error(`before a retry (it would wait ${Math.round(ms)} ms)`, last);
    }
    await sleep(ms, signal);
  }

  #error(when: string, cause?: unknown): DeadlineError {
    const reason = cause instanceof Error ? `; last failure: ${cause.message}` : '';
    return new DeadlineError(
      `${this.#method} ${this.#path}: deadline of ${this.#ms} ms reached ${when}${reason}`,
      {
        method: this.#method,
        path: this.#path,
        ...(cause === undefined ? {} : { cause }),
      },
    );
  }
}
