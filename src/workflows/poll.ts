/**
 * The workflows' waits for a guest's state or agent, which PVE offers no task for: the same
 * loop as task waits (src/core/poll.ts: backoff from 200 ms to 2 s, a deadline that also cuts
 * off a check in flight, AbortError on the caller's signal), with a default timeout.
 */
import { isResourceException } from '../core/errors.js';
import { type PollOptions, poll } from '../core/poll.js';

export type { PollOptions } from '../core/poll.js';

/** Milliseconds a workflow waits by default. */
const DEFAULT_TIMEOUT = 300_000;

/** Calls `check` until it answers a value other than undefined; `what` names the wait in errors. */
export function pollUntil<T>(
  what: string,
  check: (signal: AbortSignal) => Promise<T | undefined>,
  options: PollOptions = {},
): Promise<T> {
  return poll(
    check,
    { ...options, timeout: options.timeout ?? DEFAULT_TIMEOUT },
    // The server's own refusal says more than "aborted" or "timed out".
    { what, keep: isResourceException },
  );
}
