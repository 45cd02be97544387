/**
 * `proxmox-sdk/pbs`: the SDK with PBS's types only, so that the compiler of a PBS-only
 * project reads PBS's declarations and not the other products' (the runtime is the same as
 * `proxmox-sdk`'s). Name the service when it is not PVE: `ProxmoxSDK.connect({ service: 'pbs', ... })`.
 */

export type * as Pbs from '../typed/products/pbs.js';
export * from './common.js';
