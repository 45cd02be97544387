/**
 * The route map, octokit style: `px.request('GET /nodes/{node}/qemu/{vmid}/config', { node, vmid })`
 * is typed by walking the fluent API's own tree along the route's path (no second map of every
 * method for the compiler to read: the generated `RouteKeys` is only the routes' names, for
 * completion and the check that a route exists). A route the schema does not know
 * is a compile error; to call it anyway, say so with `rawRoute('GET /x')` (or
 * `'GET /x' as RawRoute`) and give the result type yourself: `px.request<T>(rawRoute(...), params)`.
 */

import type { ServiceName } from '../core/services.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { Answer, CallShape, NoParams, Verb, VerbOpt } from '../generated/common.js';
import type { CallOptions } from '../options/call-options.js';
import type { AsyncCalls, ServiceRoots } from './api.js';

/**
 * The route names of each service (`PVE: RouteKeys`, the union `'GET /access' | ...`).
 * Filled per product by src/typed/products/<product>.ts (declaration merging), so that an
 * entry point that imports one product's types (`proxmox-sdk/pve`) makes the compiler read only
 * that product's declarations; `proxmox-sdk` imports all four. A product not registered in a
 * program gets the loose types.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ServiceRoutes {}

export type RouteKey<S extends ServiceName> = S extends keyof ServiceRoutes
  ? ServiceRoutes[S] & string
  : never;
/** Parameters of a route, path parameters included. */
export type RouteParams<S extends ServiceName, K extends RouteKey<S>> = RouteEntry<S, K>[0];
export type RouteReturns<S extends ServiceName, K extends RouteKey<S>> = RouteEntry<S, K>[1];
/**
 * Every route of a service: `'GET /nodes/{node}/qemu'` -> `[params, result, whether params may
 * be left out]`. Computed from the tree for whatever reads it; `request` looks up one route.
 */
export type RouteMap<S extends ServiceName> = { [K in RouteKey<S>]: RouteEntry<S, K> };

type VerbKeys = { GET: 'get'; POST: 'post'; PUT: 'put'; DELETE: 'delete' };

/** `'nodes/{node}/qemu'` -> `['nodes', '{node}', 'qemu']`; the root's path `''` has none. */
type Segments<P extends string> = P extends `${infer H}/${infer T}`
  ? [H, ...Segments<T>]
  : P extends ''
    ? []
    : [P];

/**
 * Walks tree node N along the segments: a static one is a member, a `{name}` one calls the
 * node, and its argument's type (what the fluent call takes) becomes the path parameter's.
 * Answers `[node, path parameters]`.
 */
type Walk<N, S extends string[], Path> = S extends [infer H extends string, ...infer T extends string[]]
  ? H extends `{${infer Name}}`
    ? N extends (id: infer I) => infer C
      ? Walk<C, T, Path & { [P in Name]: I }>
      : never
    : H extends keyof N
      ? Walk<N[H], T, Path>
      : never
  : [N, Path];

/** A verb's params and path parameters as one object; a verb without params takes only the path's. */
type WithPath<P, Path> = {} extends Path
  ? P
  : [P] extends [NoParams]
    ? [NoParams] extends [P]
      ? Path
      : Path & P
    : Path & P;

/** `[params, result, optional]` of a verb found at `[node, path parameters]`. */
type EntryOf<V, Path> =
  V extends VerbOpt<infer P, infer R>
    ? [WithPath<P, Path>, R, {} extends Path ? true : false]
    : V extends Verb<infer P, infer R>
      ? [WithPath<P, Path>, R, false]
      : never;

type RouteEntry<S extends ServiceName, K extends RouteKey<S>> = S extends keyof ServiceRoots
  ? K extends `${infer M extends keyof VerbKeys} /${infer P}`
    ? Walk<ServiceRoots[S], Segments<P>, {}> extends [infer N, infer Path]
      ? VerbKeys[M] extends keyof N
        ? EntryOf<N[VerbKeys[M]], Path>
        : never
      : never
    : never
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
