/**
 * Fault injection, off unless asked for: added latency, a share of 502/503 answers,
 * connection resets, slow bodies and a jump of the clock (e.g. past ticket expiry).
 * Picks come from a seeded generator so a failing run can be repeated.
 */
import type { SimClock } from './clock.js';
import { seededRandom } from './seeded-random.js';
import type { FaultCounters } from './stats.js';
import type { FaultOptions } from './types.js';

export interface FaultPick {
  latencyMs: number;
  status?: 502 | 503;
  reset: boolean;
  slowBodyDelayMs?: number;
}

export class FaultInjector {
  #options: FaultOptions = {};
  #random = seededRandom(1);
  #seen = 0;
  #jumped = false;

  constructor(
    private readonly counters: FaultCounters,
    private readonly clock: SimClock,
  ) {}

  configure(options: FaultOptions = {}): void {
    this.#options = { ...options };
    this.#random = seededRandom(options.seed ?? 1);
    this.#seen = 0;
    this.#jumped = false;
  }

  get active(): boolean {
    return Object.keys(this.#options).some((k) => k !== 'seed' && k !== 'includeLogin');
  }

  /** Decides the faults of one request; counts what it injects. */
  pick(isLogin: boolean): FaultPick {
    const o = this.#options;
    const pick: FaultPick = { latencyMs: 0, reset: false };
    this.#seen++;
    if (o.clockJump && !this.#jumped && this.#seen > o.clockJump.afterRequests) {
      this.#jumped = true;
      this.clock.advance(o.clockJump.ms);
      this.counters.clockJumps++;
    }
    if (isLogin && !o.includeLogin) return pick;
    if (o.latencyMs && o.latencyMs > 0) {
      pick.latencyMs = o.latencyMs;
      this.counters.latency++;
    }
    const roll = this.#random();
    const s502 = o.share502 ?? 0;
    const s503 = o.share503 ?? 0;
    const sReset = o.shareReset ?? 0;
    if (roll < s502) {
      pick.status = 502;
      this.counters.status502++;
    } else if (roll < s502 + s503) {
      pick.status = 503;
      this.counters.status503++;
    } else if (roll < s502 + s503 + sReset) {
      pick.reset = true;
      this.counters.resets++;
    } else if (this.#random() < (o.shareSlowBody ?? 0)) {
      pick.slowBodyDelayMs = o.slowBodyDelayMs ?? 50;
      this.counters.slowBodies++;
    }
    return pick;
  }
}
