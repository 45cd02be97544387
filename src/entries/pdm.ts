/**
 * `proxmox-sdk/pdm`: the SDK with PDM's types only, so that the compiler of a PDM-only
 * project reads PDM's declarations and not the other products' (the runtime is the same as
 * `proxmox-sdk`'s). Name the service when it is not PVE: `ProxmoxSDK.connect({ service: 'pdm', ... })`.
 */

export type * as Pdm from '../typed/products/pdm.js';
export * from './common.js';
