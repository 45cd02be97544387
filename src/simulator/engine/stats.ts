/** Counters of what the simulator served and injected; tests and benchmarks read them. */
export interface FaultCounters {
  latency: number;
  status502: number;
  status503: number;
  resets: number;
  slowBodies: number;
  clockJumps: number;
}

export interface SimStats {
  /** Every request handled. */
  requests: number;
  /** Requests per `'METHOD /route/{template}'` (or the raw path when nothing matched). */
  byRoute: Record<string, number>;
  /** Answers per HTTP status. */
  byStatus: Record<number, number>;
  /** Successful password logins (first factor plus second factor counts once). */
  logins: number;
  /** Failed login attempts (any 401 from POST /access/ticket). */
  loginFailures: number;
  /** Tickets renewed by posting a ticket as the password. */
  renewals: number;
  /** Half-authenticated two-factor tickets handed out. */
  tfaChallenges: number;
  /** Requests authenticated with an API token. */
  tokenRequests: number;
  faults: FaultCounters;
}

export function newStats(): SimStats {
  return {
    requests: 0,
    byRoute: {},
    byStatus: {},
    logins: 0,
    loginFailures: 0,
    renewals: 0,
    tfaChallenges: 0,
    tokenRequests: 0,
    faults: { latency: 0, status502: 0, status503: 0, resets: 0, slowBodies: 0, clockJumps: 0 },
  };
}
