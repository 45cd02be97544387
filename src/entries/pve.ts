/**
 * `proxmox-sdk/pve`: the SDK with PVE's types only, so that the compiler of a PVE-only
 * project reads PVE's declarations and not the other products' (the runtime is the same as
 * `proxmox-sdk`'s). Name the service when it is not PVE: `ProxmoxSDK.connect({ service: 'pve', ... })`.
 */

export type * as Pve from '../typed/products/pve.js';
export * from './common.js';
export * from './workflows.js';
