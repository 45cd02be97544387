/**
 * Placeholder typing of the fluent API until the generated route types land (issue 3):
 * every path is reachable and every call is loosely typed.
 */
import type { CallOptions } from '../call-options.js';
import type { ServiceName } from '../services.js';
import type { Params } from '../transports/transport.js';

export interface LooseVerbs {
  get<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  post<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  put<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  delete<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  create<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  set<T = any>(params?: Params, options?: CallOptions): Promise<T>;
}

export type LooseNode = LooseVerbs & ((id: string | number) => LooseNode) & { [segment: string]: any };

/** The fluent root of a service's API. */
export type ApiRoot<_S extends ServiceName> = { [segment: string]: any };
