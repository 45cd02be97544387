import type { HttpMethod, Params } from '../core/types.js';
import type { CallOptions } from '../options/call-options.js';
import type { ResolvedOptions } from '../options/resolve.js';
import type { TransportRequest, TransportResponse } from '../transports/transport.js';

/** What helpers (tasks, files, sync) get from a client: its pipeline, not its proxy. */
export interface ClientInternals {
  readonly options: ResolvedOptions;
  /** A call with auth, retries and envelope decoding; resolves to `data`. */
  invoke(
    method: HttpMethod,
    path: string,
    params: Params | undefined,
    options?: CallOptions,
  ): Promise<unknown>;
  /** The same pipeline, answering the raw response (any status) — for uploads and streamed downloads. */
  send(
    method: HttpMethod,
    path: string,
    params: Params | undefined,
    options?: CallOptions,
    extra?: Partial<TransportRequest>,
  ): Promise<TransportResponse>;
  /** Turns a raw response into `data` or the typed error, as `invoke` does. */
  decode(res: TransportResponse, method: HttpMethod, path: string, options?: CallOptions): unknown;
}
