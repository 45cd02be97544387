/**
 * The fluent API's types: `ApiRoot<'PVE'>` is the generated path tree of PVE
 * (src/generated/pve/tree.ts), with this SDK's call options and promise results.
 * `LooseNode` stays for code that walks paths the schema does not know.
 */

import type { ServiceName } from '../core/services.js';
import type { Params } from '../core/types.js';
import type { Answer, CallShape } from '../generated/common.js';
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

/**
 * The generated root of each service, for a given call shape (`PVE: Root<C>`).
 * Filled per product by src/typed/products/<product>.ts (declaration merging), so that an
 * entry point that imports one product's types (`proxmox-sdk/pve`) makes the compiler read only
 * that product's declarations; `proxmox-sdk` imports all four. A product not registered in a
 * program gets the loose types.
 */
// biome-ignore lint/correctness/noUnusedVariables: C is used by the products' declarations merged in
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ServiceRoots<C extends CallShape> {}

/**
 * The fluent root of a service's API: `px.nodes('pve1').qemu(100).status.start.post()`.
 * A client whose service is not known at compile time (`ServiceName`) gets the loose root:
 * a union of four trees would accept only what all four share.
 */
export type ApiRoot<S extends ServiceName, C extends CallShape = AsyncCalls> = [ServiceName] extends [S]
  ? LooseRoot
  : S extends keyof ServiceRoots<C>
    ? ServiceRoots<C>[S]
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
