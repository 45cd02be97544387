/**
 * The one polling loop behind px.tasks.wait and the workflows' waits (src/core/poll.ts):
 * backoff, a deadline that cuts off a check in flight, the caller's abort, and errors kept.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, ResourceException, TimeoutError } from '../../src/core/errors.js';
import { Backoff, poll } from '../../src/core/poll.js';

/** A check that only ends when its signal fires (a request hanging on a dead server). */
const hanging = (signal: AbortSignal) =>
  new Promise<undefined>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('poll', () => {
  it('pauses from the first interval growing by half up to the cap, and starts over on reset', () => {
    const b = new Backoff(100, 300);
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([100, 150, 225, 300]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('answers the first value a check gives, after checking again while it gave none', async () => {
    let calls = 0;
    const value = await poll(
      async () => (++calls === 3 ? 'ready' : undefined),
      { interval: 1 },
      { what: 'x' },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('a check still in flight at the deadline is cut off: TimeoutError, not a wait as long as the check', async () => {
    let seen: AbortSignal | undefined;
    const error = await poll(
      (signal) => {
        seen = signal;
        return hanging(signal);
      },
      { timeout: 50 },
      { what: 'the guest to be running' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('the guest to be running: not reached after 50 ms');
    expect(seen?.aborted).toBe(true);
  });

  it("the caller's abort mid-check is AbortError with the reason as cause, and no further check runs", async () => {
    const controller = new AbortController();
    let calls = 0;
    const outcome = poll(
      (signal) => {
        calls++;
        setTimeout(() => controller.abort('stop'), 5);
        return hanging(signal);
      },
      { signal: controller.signal },
      { what: 'task X' },
    ).catch((e: unknown) => e);
    const error = await outcome;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe('stop');
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
  });

  it('errors the caller marks as kept pass through an abort; others end the wait as they are', async () => {
    const refusal = new ResourceException('VM 100 not running', { statusCode: 500, statusMessage: 'x' });
    const controller = new AbortController();
    const kept = await poll(
      async () => {
        controller.abort();
        throw refusal;
      },
      { signal: controller.signal },
      { what: 'x', keep: (e) => e === refusal },
    ).catch((e: unknown) => e);
    expect(kept).toBe(refusal);
    const plain = await poll(
      async () => {
        throw refusal;
      },
      {},
      { what: 'x' },
    ).catch((e: unknown) => e);
    expect(plain).toBe(refusal);
  });
});
