// `proxmox-sdk`: everything, with the types of all four products. `proxmox-sdk/pve` (and
// /pbs, /pmg, /pdm) export the same with one product's types, for a lighter compile.
export * from './entries/common.js';
export * from './entries/workflows.js';
export type * as Pbs from './typed/products/pbs.js';
export type * as Pdm from './typed/products/pdm.js';
export type * as Pmg from './typed/products/pmg.js';
export type * as Pve from './typed/products/pve.js';
