/**
 * What every HTTPS dispatch (an answer collected whole, a streamed download, an upload) does
 * besides handling its answer: it ends once, on the caller's AbortSignal or on a timer, and
 * then aborts the pool's request (http1-pool.ts) so the socket does no more work for it. The
 * timer runs once (`arm()` at start) or restarts on progress (`arm()` again on each chunk: an
 * idle timeout, which refreshes the one timer instead of making a new one per chunk).
 */
import { AbortError, TimeoutError } from '../../core/errors.js';
import type { RequestControl } from './http1-pool.js';

export interface GuardOptions {
  /** `METHOD /path`, the start of every message. */
  where: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** What ran out, after `where: `, e.g. `no answer within 30000 ms`. */
  timeoutText: string;
  /** Called once, with the error that ended the exchange early. */
  onFail(error: Error): void;
}

function timedOut(guard: DispatchGuard): void {
  guard.timeout();
}

export class DispatchGuard {
  readonly #o: GuardOptions;
  #controller: RequestControl | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ended = false;
  /** Made only for a request with a signal. */
  #onAbort: (() => void) | undefined;

  constructor(o: GuardOptions) {
    this.#o = o;
  }

  /** Listens to the signal and starts the timer; false when the signal had already fired (failed). */
  start(): boolean {
    // Hot path: no `?.` or `??` here. The CommonJS build (tsup's sucrase pass) turns each into a
    // helper call that allocates an array and closures, on every request (bench/cpu-per-call.ts).
    const signal = this.#o.signal;
    if (signal === undefined) {
      this.arm();
      return true;
    }
    if (signal.aborted) {
      this.#aborted();
      return false;
    }
    this.#onAbort = () => this.#aborted();
    signal.addEventListener('abort', this.#onAbort, { once: true });
    this.arm();
    return true;
  }

  /** (Re)starts the timer. */
  arm(): void {
    if (this.#ended) return;
    if (this.#timer !== undefined) this.#timer.refresh();
    else this.#timer = setTimeout(timedOut, this.#o.timeoutMs, this);
  }

  /** The timer ran out. */
  timeout(): void {
    this.fail(new TimeoutError(`${this.#o.where}: ${this.#o.timeoutText}`));
  }

  #aborted(): void {
    const signal = this.#o.signal;
    this.fail(
      new AbortError(`${this.#o.where}: aborted by the caller`, {
        cause: signal === undefined ? undefined : signal.reason,
      }),
    );
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The dispatched request: one that starts after the end is aborted at once. */
  attach(controller: RequestControl): void {
    this.#controller = controller;
    if (this.#ended) controller.abort();
  }

  /** The exchange is over (answered, or failed on the wire): no timer, no listener. */
  end(): void {
    this.#ended = true;
    clearTimeout(this.#timer);
    const signal = this.#o.signal;
    if (signal !== undefined && this.#onAbort !== undefined)
      signal.removeEventListener('abort', this.#onAbort);
  }

  /** Ends the exchange early: aborts the request and reports `error` once. */
  fail(error: Error): void {
    if (this.#ended) return;
    this.end();
    if (this.#controller !== undefined && !this.#controller.aborted) this.#controller.abort();
    this.#o.onFail(error);
  }
}
