/**
 * `proxmox-sdk/pmg`: the SDK with PMG's types only, so that the compiler of a PMG-only
 * project reads PMG's declarations and not the other products' (the runtime is the same as
 * `proxmox-sdk`'s). Name the service when it is not PVE: `ProxmoxSDK.connect({ service: 'pmg', ... })`.
 */

export type * as Pmg from '../typed/products/pmg.js';
export * from './common.js';
