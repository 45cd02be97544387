// The workflows (PVE only): exported by `proxmox-sdk` and `proxmox-sdk/pve`.
export {
  type BulkItemResult,
  type BulkOptions,
  type BulkProgress,
  type BulkResult,
  bulk,
} from '../workflows/bulk.js';
export type {
  Params as WorkflowParams,
  PveClient as WorkflowTarget,
  WorkflowClient,
  WorkflowOptions,
} from '../workflows/client.js';
export type { CloneOptions, CloneResult } from '../workflows/clone.js';
export {
  type CloudInitOptions,
  type CloudInitResult,
  cloudInitParams,
  decodeSshKeys,
  encodeSshKeys,
  formatIpConfig,
  type IpConfig,
} from '../workflows/cloud-init.js';
export type { ImportDiskOptions, ImportDiskResult, MoveDiskOptions } from '../workflows/disks.js';
export type { EnsureAclOptions, EnsureTokenOptions, EnsureUserOptions } from '../workflows/ensure-access.js';
export type { FirewallRule, FirewallScope } from '../workflows/ensure-firewall.js';
export type { EnsureGuestOptions, EnsureResult } from '../workflows/ensure-guest.js';
export { Guest, type GuestInfo, type GuestType } from '../workflows/guest.js';
export { Guests, type ListGuestsOptions } from '../workflows/guests.js';
export { buildIso, type IsoFile, type IsoOptions } from '../workflows/iso9660.js';
export type { MigrateOptions, MigrateResult } from '../workflows/migrate.js';
export {
  type NoCloudData,
  type NoCloudOptions,
  type NoCloudResult,
  noCloudFiles,
  noCloudIso,
} from '../workflows/nocloud.js';
export type { PollOptions } from '../workflows/poll.js';
export type {
  PowerResult,
  PowerState,
  ShutdownOptions,
  StartOptions,
  StopOptions,
} from '../workflows/power.js';
export {
  type CreateSnapshotOptions,
  type RollbackOptions,
  Snapshot,
  type SnapshotInfo,
  Snapshots,
} from '../workflows/snapshots.js';
export { type Workflows, workflows } from '../workflows/workflows.js';
