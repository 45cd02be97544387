/**
 * The fluent API's types: `ApiRoot<'PVE'>` is the generated path tree of PVE
 * (src/generated/pve/tree.d.ts), with this SDK's call options and promise results; the sync
 * facade's tree is the same one mapped once (`Synced`).
 * `LooseNode` stays for code that walks paths the schema does not know.
 */

import type { ServiceName } from '../core/services.js';
import type { Params } from '../core/types.js';
import type { Answer, CallShape, Outcome, Verb, VerbOpt } from '../generated/common.js';
import type { CallOptions, TaskStatus } from '../options/call-options.js';

export type {
  Bool,
  Envelope,
  NoParams,
  Outcome,
  RemoteUpid,
  Upid,
  Verb,
  VerbOpt,
} from '../generated/common.js';
export type { Answer, CallShape };

/** Calls that return promises (the normal client). */
export interface AsyncCalls extends CallShape {
  options: CallOptions;
  sync: false;
  taskStatus: TaskStatus;
}

/** Calls that block and return the result itself (`ProxmoxSDK.sync`). */
export interface SyncCalls extends CallShape {
  options: CallOptions;
  sync: true;
  taskStatus: TaskStatus;
}

// How a verb of the generated tree is called: params, then options whose `wait`/`envelope`
// (the inferred `O`) pick the outcome; a promise of it. Declared here, not in the generated
// tree, so that the tree has no type parameter (each generic node would be instantiated anew
// on every path a program walks) and generated code imports nothing hand-written.
declare module '../generated/common.js' {
  interface Verb<P, R> {
    // biome-ignore lint/style/useShorthandFunctionType: it merges into the generated interface
    <O extends CallOptions = CallOptions>(params: P, options?: O): Promise<Outcome<AsyncCalls, O, R>>;
  }
  interface VerbOpt<P, R> {
    // biome-ignore lint/style/useShorthandFunctionType: it merges into the generated interface
    <O extends CallOptions = CallOptions>(params?: P, options?: O): Promise<Outcome<AsyncCalls, O, R>>;
  }
}

/** A verb of the sync facade: blocks and returns the outcome itself. */
export type SyncVerb<P, R> = <O extends CallOptions = CallOptions>(
  params: P,
  options?: O,
) => Outcome<SyncCalls, O, R>;

/** A sync verb whose params may be left out. */
export type SyncVerbOpt<P, R> = <O extends CallOptions = CallOptions>(
  params?: P,
  options?: O,
) => Outcome<SyncCalls, O, R>;

/**
 * A node of the generated tree with blocking verbs (`ProxmoxSDK.sync`): the same paths, path
 * parameters and params, each verb answering a value. Only sync programs instantiate it.
 * VerbOpt is tested first: a verb with required params is no VerbOpt, the other way round
 * it would be.
 */
export type Synced<N> = (N extends (id: string | number) => infer X
  ? (id: string | number) => Synced<X>
  : unknown) & {
  [K in keyof N]: N[K] extends VerbOpt<infer P, infer R>
    ? SyncVerbOpt<P, R>
    : N[K] extends Verb<infer P, infer R>
      ? SyncVerb<P, R>
      : Synced<N[K]>;
};

/**
 * The generated root of each service (`PVE: Root`).
 * Filled per product by src/typed/products/<product>.ts (declaration merging), so that an
 * entry point that imports one product's types (`proxmox-sdk/pve`) makes the compiler read only
 * that product's declarations; `proxmox-sdk` imports all four. A product not registered in a
 * program gets the loose types.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ServiceRoots {}

/**
 * The fluent root of a service's API: `px.nodes('pve1').qemu(100).status.start.post()`.
 * A client whose service is not known at compile time (`ServiceName`) gets the loose root:
 * a union of four trees would accept only what all four share.
 */
export type ApiRoot<S extends ServiceName, C extends CallShape = AsyncCalls> = [ServiceName] extends [S]
  ? LooseRoot
  : S extends keyof ServiceRoots
    ? C['sync'] extends true
      ? Synced<ServiceRoots[S]>
      : ServiceRoots[S]
    : LooseRoot;

/** Every top-level path, loosely typed (`any`, so that `noUncheckedIndexedAccess` does not add `undefined`). */
export type LooseRoot = { [segment: string]: any };

export interface LooseVerbs {
  get<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  post<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  put<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  delete<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  create<T = any>(params?: Params, options?: CallOptions): Promise<T>;
  set<T = any>(params?: Params, options?: CallOptions): Promise<T>;
}

/** Any path, loosely typed: for paths newer than the bundled schema. */
export type LooseNode = LooseVerbs & ((id: string | number) => LooseNode) & { [segment: string]: any };
