/**
 * The route map, octokit style: `px.request('GET /nodes/{node}/qemu/{vmid}/config', { node, vmid })`
 * is typed from the same generated map as the fluent API. A route the schema does not know
 * is a compile error; to call it anyway, say so with `rawRoute('GET /x')` (or
 * `'GET /x' as RawRoute`) and give the result type yourself: `px.request<T>(rawRoute(...), params)`.
 */

import type { ServiceName } from '../core/services.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { Answer, CallShape } from '../generated/common.js';
import type { CallOptions } from '../options/call-options.js';
import type { AsyncCalls } from './api.js';

/**
 * The route map of each service (`PVE: Routes`).
 * Filled per product by src/typed/products/<product>.ts (declaration merging), so that an
 * entry point that imports one product's types (`proxmox-sdk/pve`) makes the compiler read only
 * that product's declarations; `proxmox-sdk` imports all four. A product not registered in a
 * program gets the loose types.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ServiceRoutes {}

/** Every route of a service: `'GET /nodes/{node}/qemu'` -> `[params, result, whether params may be left out]`. */
export type RouteMap<S extends ServiceName> = S extends keyof ServiceRoutes ? ServiceRoutes[S] : {};
export type RouteKey<S extends ServiceName> = keyof RouteMap<S> & string;
/** Parameters of a route, path parameters included. */
export type RouteParams<S extends ServiceName, K extends RouteKey<S>> = RouteEntry<S, K>[0];
export type RouteReturns<S extends ServiceName, K extends RouteKey<S>> = RouteEntry<S, K>[1];

type RouteEntry<S extends ServiceName, K extends RouteKey<S>> = RouteMap<S>[K] extends infer E extends [
  unknown,
  unknown,
  boolean,
]
  ? E
  : never;

/** A route string the schema does not know, marked as deliberate. */
export type RawRoute = `${HttpMethod} /${string}` & { readonly __rawRoute: true };

/** Marks a route string as deliberate (the escape hatch of `request`). */
export function rawRoute(route: `${HttpMethod} /${string}`): RawRoute {
  return route as RawRoute;
}

/** The arguments after the route: params may be left out only when nothing is required. */
export type RequestArgs<S extends ServiceName, K extends RouteKey<S>, O = CallOptions> = RouteEntry<
  S,
  K
>[2] extends true
  ? [params?: RouteParams<S, K>, options?: O]
  : [params: RouteParams<S, K>, options?: O];

/** `request` of a client for service S. */
export interface RequestFn<S extends ServiceName, C extends CallShape = AsyncCalls> {
  <K extends RouteKey<S>, O extends C['options'] = C['options']>(
    route: K,
    ...args: RequestArgs<S, K, O>
  ): Answer<C, O, RouteReturns<S, K>>;
  <T = unknown, O extends C['options'] = C['options']>(
    route: RawRoute,
    params?: Params,
    options?: O,
  ): Answer<C, O, T>;
}
