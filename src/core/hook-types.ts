/**
 * The records hooks, `node:diagnostics_channel` subscribers and the debug log receive
 * (src/client/hooks.ts builds them). Here, beside the other shared types, so that the
 * options can name `hooks` without depending on the client.
 */
import type { HttpMethod, Params } from './types.js';

/** One attempt of a call, as hooks and channel subscribers see it. Secrets are masked. */
export interface RequestRecord {
  method: HttpMethod;
  /** API path below `/api2/json` (encoded), without the query. */
  path: string;
  /** Parameters as given to the call; secret ones (password, otp, ...) read `***`. */
  params: Readonly<Params>;
  /** The auth headers this attempt carries, masked: `PVEAuthCookie=***`, `CSRFPreventionToken: ***`. */
  headers: Readonly<Record<string, string>>;
  /** The backend that carries the request (`https`, `ssh`, ...). */
  backend: string;
  /** 0 for the first attempt, then 1, 2, ... for retries and the repeat after a re-login. */
  attempt: number;
  /** Whether this is the login call (`POST /access/ticket`) made by the client itself. */
  login: boolean;
}

/** The outcome of one attempt: an answer (any status) or the error that ended it. */
export interface ResponseRecord extends RequestRecord {
  /** HTTP status, or undefined when the attempt failed without an answer. */
  status: number | undefined;
  statusText: string | undefined;
  /** Answer headers; `set-cookie` is masked. */
  responseHeaders: Readonly<Record<string, string | string[] | undefined>> | undefined;
  /** The answer body with tickets, CSRF tokens and new token secrets masked (undefined for streams). */
  body: unknown;
  /** The error that ended the attempt (message already scrubbed), when there was no answer. */
  error: Error | undefined;
  /** Milliseconds from sending to the answer (or the failure). */
  durationMs: number;
}

/**
 * Hooks run in the order given, awaited, once per attempt. They observe: they cannot change
 * the request. A hook that throws fails the call with its error (so `beforeRequest` can veto).
 */
export interface ClientHooks {
  /** Before each attempt leaves. */
  beforeRequest?: ReadonlyArray<(request: RequestRecord) => void | Promise<void>>;
  /** After each attempt's answer or failure, before retries and decoding. */
  afterResponse?: ReadonlyArray<(response: ResponseRecord) => void | Promise<void>>;
}
