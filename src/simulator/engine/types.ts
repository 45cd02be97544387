import type { ServiceName } from '../../core/services.js';
import type { SimClock } from './clock.js';

/** One HTTP request as it came off the wire. */
export interface SimRequest {
  /** 'GET' | 'POST' | 'PUT' | 'DELETE' | anything else. */
  method: string;
  /** Path and query exactly as on the wire, e.g. '/api2/json/nodes/pve1/qemu?full=1'. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Raw request body (form, JSON or multipart), undefined if none. */
  body?: Buffer;
}

/** One HTTP answer, ready to be written to a socket or handed to the mock transport. */
export interface SimResponse {
  status: number;
  /** Proxmox puts the first line of the error message here. */
  statusText: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** pveproxy closes keep-alive after status >= 400. */
  closeConnection: boolean;
  /**
   * Set by fault injection: the server drops the connection without answering.
   * The HTTPS server destroys the socket; an in-process caller should treat it as a reset.
   */
  reset?: boolean;
  /** Set by fault injection: write the body slowly, this many ms between chunks. */
  slowBodyDelayMs?: number;
}

/** Decoded request parameters: repeated keys become arrays. */
export type SimParams = Record<string, string | string[]>;

export interface SimToken {
  /** The token's name, without the user: `ci` in `automation@pve!ci`. */
  tokenid: string;
  /** The secret (a UUID on PVE and PBS). */
  value: string;
  /** Privilege separated: the token's own ACL is intersected with its user's rights. */
  privsep: boolean;
}

export interface SimAccount {
  userid: string;
  password: string;
  /** Base32 TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s) when the user has two-factor on. */
  totpSecret?: string;
  recoveryCodes?: string[];
  tokens: SimToken[];
}

/** Fault injection, all off by default. Shares are 0..1. */
export interface FaultOptions {
  /** Extra latency added to every answer, in ms. */
  latencyMs?: number;
  /** Share of requests answered with 502 Bad Gateway. */
  share502?: number;
  /** Share of requests answered with 503 Service Unavailable. */
  share503?: number;
  /** Share of requests whose connection is reset without an answer. */
  shareReset?: number;
  /** Share of answers whose body is written slowly. */
  shareSlowBody?: number;
  /** Delay between body chunks of a slow answer, in ms. */
  slowBodyDelayMs?: number;
  /** Jump the clock this many ms forward after this many requests (e.g. past ticket expiry). */
  clockJump?: { afterRequests: number; ms: number };
  /** Seed of the deterministic random source that picks the faulty requests. */
  seed?: number;
  /** Also disturb `POST /access/ticket` (off by default, so logins stay reliable). */
  includeLogin?: boolean;
}

export interface EngineOptions {
  service?: ServiceName;
  dataset?: 'demo' | 'empty';
  /** Scale the cluster to this many guests (benchmarks: 10,000 and 100,000 work). */
  guests?: number;
  /** How long a task runs before it stops, in ms of the simulator clock. */
  taskDurationMs?: number;
  clock?: SimClock;
  /**
   * How long a refused request takes, in ms, as Proxmox makes brute force slow: PVE and PMG
   * answer every 401 (auth layer and failed logins) 3 s after the request came in
   * (pve-http-server AnyEvent.pm handle_api2_request / authenticate_and_handle_request);
   * PBS and PDM wait 3 s on a 401 (proxmox-rest-server rest.rs delay_unauth_time).
   * `startSimulator` and `proxmox mock serve` default to 3000; the in-process engine (and so
   * the `mock` backend) to 0. 0 turns the delays off.
   */
  authFailureDelayMs?: number;
  /**
   * PBS and PDM: how long the router's own permission refusal (403 "permission check
   * failed") takes (rest.rs access_forbidden_time: 0.5 s). Default: a sixth of
   * `authFailureDelayMs`.
   */
  forbiddenDelayMs?: number;
  /** @deprecated the old name of `authFailureDelayMs`. */
  loginFailureDelayMs?: number;
  faults?: FaultOptions;
}
