/**
 * The route map, octokit style: `px.request('GET /nodes/{node}/qemu/{vmid}/config', { node, vmid })`
 * is typed from the same generated map as the fluent API. A route the schema does not know
 * is a compile error; to call it anyway, say so with `rawRoute('GET /x')` (or
 * `'GET /x' as RawRoute`) and give the result type yourself: `px.request<T>(rawRoute(...), params)`.
 */

import type { ServiceName } from '../core/services.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { Answer, CallShape } from '../generated/common.js';
import type { Routes as PbsRoutes } from '../generated/pbs/types.js';
import type { Routes as PdmRoutes } from '../generated/pdm/types.js';
import type { Routes as PmgRoutes } from '../generated/pmg/types.js';
import type { Routes as PveRoutes } from '../generated/pve/types.js';
import type { CallOptions } from '../options/call-options.js';
import type { AsyncCalls } from './api.js';

export interface ServiceRoutes {
  PVE: PveRoutes;
  PBS: PbsRoutes;
  PMG: PmgRoutes;
  PDM: PdmRoutes;
}

/** Every route of a service: `'GET /nodes/{node}/qemu'` -> `{ params; returns; optional }`. */
export type RouteMap<S extends ServiceName> = ServiceRoutes[S];
export type RouteKey<S extends ServiceName> = keyof ServiceRoutes[S] & string;
/** Parameters of a route, path parameters included. */
export type RouteParams<S extends ServiceName, K extends RouteKey<S>> = RouteEntry<S, K>['params'];
export type RouteReturns<S extends ServiceName, K extends RouteKey<S>> = RouteEntry<S, K>['returns'];

type RouteEntry<S extends ServiceName, K extends RouteKey<S>> = ServiceRoutes[S][K] extends infer E extends {
  params: unknown;
  returns: unknown;
  optional: boolean;
}
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
>['optional'] extends true
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
