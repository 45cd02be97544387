/** Parent side of bench/sim-server.ts: start it, read its counters, move its clock. */
import { fileURLToPath } from 'node:url';
import type { SimStats } from '../src/simulator/index.js';
import { pinned } from './lib/cpu-pin.js';
import { harnessNode } from './lib/harness.js';
import { JsonLinesChild } from './lib/json-lines-child.js';

export interface SimUser {
  userid: string;
  password: string;
  tokens: Array<{ tokenid: string; value: string; privsep: boolean }>;
}

export interface SimDetails {
  url: string;
  host: string;
  port: number;
  fingerprint: string;
  users: SimUser[];
  startMs: number;
}

/** What a client worker needs to reach the simulator as one user. */
export interface Target {
  host: string;
  port: number;
  fingerprint: string;
  user: string;
  password: string;
  tokenName: string;
  tokenValue: string;
  /** Keep-alive connections for the sdk and floor clients; without it, the SDK's default (8). */
  connections?: number;
}

/** automation@pve: a password and a token without privilege separation, so ACLs filter nothing. */
const BENCH_USER = 'automation@pve';
const BENCH_TOKEN = 'full';

export class SimProcess {
  readonly #child: JsonLinesChild<SimDetails>;
  details!: SimDetails;

  private constructor(child: JsonLinesChild<SimDetails>) {
    this.#child = child;
  }

  static async start(options: Record<string, unknown>): Promise<SimProcess> {
    const module = fileURLToPath(new URL('./sim-server.ts', import.meta.url));
    const child = new JsonLinesChild<SimDetails>(
      pinned(harnessNode(module, [], [JSON.stringify(options)]), 'server'),
    );
    const sim = new SimProcess(child);
    sim.details = await child.ready;
    return sim;
  }

  get target(): Target {
    const user = this.details.users.find((u) => u.userid === BENCH_USER);
    const token = user?.tokens.find((t) => t.tokenid === BENCH_TOKEN);
    if (user === undefined || token === undefined) {
      throw new Error(`the simulator has no ${BENCH_USER} with token ${BENCH_TOKEN}`);
    }
    const { host, port, fingerprint } = this.details;
    return {
      host,
      port,
      fingerprint,
      user: user.userid,
      password: user.password,
      tokenName: token.tokenid,
      tokenValue: token.value,
    };
  }

  async stats(): Promise<SimStats> {
    return (await this.#child.call<{ stats: SimStats }>({ cmd: 'stats' })).stats;
  }

  async advance(ms: number): Promise<void> {
    await this.#child.call({ cmd: 'advance', ms });
  }

  close(): Promise<void> {
    return this.#child.close();
  }
}

/** Ticket requests between two snapshots: logins, renewals and failures alike. */
export function ticketRequests(before: SimStats, after: SimStats): number {
  const key = 'POST /access/ticket';
  return (after.byRoute[key] ?? 0) - (before.byRoute[key] ?? 0);
}
