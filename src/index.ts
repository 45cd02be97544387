export { CHANNELS } from './client/hooks.js';
export {
  ENV_VARIABLES,
  optionsFromEnv,
  optionsFromFile,
  optionsFromProfile,
  type ProfileLoadOptions,
} from './config/config.js';
export {
  configPath,
  getProfile,
  listProfiles,
  type ProfileStoreOptions,
  type ProfileSummary,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from './config/profiles.js';
export type { StoredOptions } from './config/stored-options.js';
export type {
  ConsoleHelper,
  GuestKind,
  GuestRef,
  ShellOptions,
  TerminalOptions,
} from './console/console-helper.js';
export type { ExecOptions, ExecResult, GuestAgent } from './console/guest-agent.js';
export type { TerminalStream } from './console/terminal-stream.js';
export type { VncStream } from './console/vnc-stream.js';
export {
  AbortError,
  AuthenticationError,
  ConnectionError,
  type ConnectionErrorOptions,
  DeadlineError,
  type ErrorCode,
  GuestLookupError,
  InvalidArgumentError,
  isAbortError,
  isAuthenticationError,
  isConnectionError,
  isDeadlineError,
  isGuestLookupError,
  isInvalidArgumentError,
  isPropertyStringError,
  isProxmoxError,
  isResourceException,
  isResponseTooLargeError,
  isTaskFailedError,
  isTimeoutError,
  PropertyStringError,
  ProxmoxError,
  type ProxmoxErrorOptions,
  ResourceException,
  type ResourceExceptionOptions,
  ResponseTooLargeError,
  TaskFailedError,
  type TaskFailedErrorOptions,
  TimeoutError,
} from './core/errors.js';
export type { ClientHooks, RequestRecord, ResponseRecord } from './core/hook-types.js';
export { SERVICES, type ServiceInfo, type ServiceName } from './core/services.js';
export type { BackendName, HttpMethod, ParamScalar, Params, ParamValue } from './core/types.js';
export type { Upid as ParsedUpid } from './core/upid.js';
export type { Checksum } from './files/checksums.js';
export type {
  Download,
  DownloadOptions,
  DownloadUrlOptions,
  FileHelper,
  FileResult,
  UploadContent,
  UploadOptions,
} from './files/files.js';
export type * as Pbs from './generated/pbs/types.js';
export type * as Pdm from './generated/pdm/types.js';
export type * as Pmg from './generated/pmg/types.js';
export type * as Pve from './generated/pve/types.js';
export type { CallOptions, TaskStatus, WaitOptions } from './options/call-options.js';
export type { ProxmoxOptions, ServiceInput, ServiceOf, TfaAnswer, TfaChallenge } from './options/options.js';
export { formatPropertyString, parsePropertyString } from './schema/property-string.js';
export {
  type ClientCore,
  type LooseRequest,
  type PbsClient,
  type PdmClient,
  type PmgClient,
  type ProxmoxClient,
  ProxmoxSDK,
  type ProxmoxSDKConstructor,
  type PveClient,
} from './sdk/proxmox-sdk.js';
export type { SyncCallOptions, SyncClient, SyncClientCore, SyncFiles, SyncTasks } from './sync/sync.js';
export { isUpid, type LogOptions, parseUpid, type TaskHelper, type TaskResult } from './tasks/tasks.js';
export {
  type ApiRoot,
  type Bool,
  type Envelope,
  type LooseNode,
  propertyString,
  type RawRoute,
  type RemoteUpid,
  type RouteKey,
  type RouteMap,
  type RouteParams,
  type RouteReturns,
  rawRoute,
  type Upid,
} from './typed/index.js';
export {
  type BulkItemResult,
  type BulkOptions,
  type BulkProgress,
  type BulkResult,
  bulk,
} from './workflows/bulk.js';
export type {
  Params as WorkflowParams,
  PveClient as WorkflowTarget,
  WorkflowClient,
  WorkflowOptions,
} from './workflows/client.js';
export type { CloneOptions, CloneResult } from './workflows/clone.js';
export {
  type CloudInitOptions,
  type CloudInitResult,
  cloudInitParams,
  decodeSshKeys,
  encodeSshKeys,
  formatIpConfig,
  type IpConfig,
} from './workflows/cloud-init.js';
export type { ImportDiskOptions, MoveDiskOptions } from './workflows/disks.js';
export type { EnsureAclOptions, EnsureTokenOptions, EnsureUserOptions } from './workflows/ensure-access.js';
export type { FirewallRule, FirewallScope } from './workflows/ensure-firewall.js';
export type { EnsureGuestOptions, EnsureResult } from './workflows/ensure-guest.js';
export { Guest, type GuestInfo, type GuestType } from './workflows/guest.js';
export { Guests, type ListGuestsOptions } from './workflows/guests.js';
export { buildIso, type IsoFile, type IsoOptions } from './workflows/iso9660.js';
export type { MigrateOptions, MigrateResult } from './workflows/migrate.js';
export {
  type NoCloudData,
  type NoCloudOptions,
  type NoCloudResult,
  noCloudFiles,
  noCloudIso,
} from './workflows/nocloud.js';
export type { PollOptions } from './workflows/poll.js';
export type {
  PowerResult,
  PowerState,
  ShutdownOptions,
  StartOptions,
  StopOptions,
} from './workflows/power.js';
export {
  type CreateSnapshotOptions,
  type RollbackOptions,
  Snapshot,
  type SnapshotInfo,
  Snapshots,
} from './workflows/snapshots.js';
export { type Workflows, workflows } from './workflows/workflows.js';
