/**
 * The simulator's notion of time. Tickets and tasks read it, so a test can jump past a
 * ticket's expiry (2 h) without waiting. It follows the wall clock plus an offset, so
 * tasks still finish on their own while nobody moves it.
 */
export interface SimClock {
  /** Milliseconds since the epoch, as the simulated hosts see it. */
  now(): number;
  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): void;
}

export class OffsetClock implements SimClock {
  #offset = 0;
  constructor(private readonly base: () => number = Date.now) {}
  now(): number {
    return this.base() + this.#offset;
  }
  advance(ms: number): void {
    this.#offset += ms;
  }
}
