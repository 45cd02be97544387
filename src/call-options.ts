/** Options of one call, the second argument of every verb. */
export interface CallOptions {
  /** Aborts the request; the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Milliseconds for this call, overriding the client's `timeout`. */
  timeout?: number;
  /** Resolve to the whole envelope (`data`, `total`, `changes`, ...) instead of `data`. */
  envelope?: boolean;
  /**
   * Retry this call on connection errors and 502/503/504 even though it is not a GET.
   * Only for calls that are safe to repeat.
   */
  retry?: boolean;
}
