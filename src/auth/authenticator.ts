import type { HttpMethod, Params } from '../core/types.js';
import type { TransportResponse } from '../transports/transport.js';

/** How credentials plug into the request pipeline. */
export interface Authenticator {
  /**
   * Headers for one request; logs in or renews first when needed. `signal` ends this
   * caller's wait; a login that every waiting caller gave up on is aborted too.
   */
  headers(method: HttpMethod, signal?: AbortSignal): Promise<Readonly<Record<string, string>>>;
  /**
   * The headers for one request when they are at hand (no login or renewal due), without a
   * promise: the pipeline then sends without waiting a microtask turn. Undefined otherwise.
   */
  ready?(method: HttpMethod): Readonly<Record<string, string>> | undefined;
  /**
   * The server answered 401 to a request sent with `sent`. Resolves true when fresh
   * credentials were obtained and the request may be sent once more.
   */
  refused(sent: Readonly<Record<string, string>>): Promise<boolean>;
  /** Logs in now, so that bad credentials fail at `connect()`. */
  login(): Promise<void>;
}

/** Sends `POST /access/ticket` without credentials; given to the ticket authenticator. */
export type SendLogin = (params: Params, signal: AbortSignal) => Promise<TransportResponse>;
