// What every entry point exports: the client, options, errors, helpers and the typed API's
// generic names. The products' types come with each entry (src/index.ts has all four).
export { CHANNELS } from '../client/hooks.js';
export {
  ENV_VARIABLES,
  optionsFromEnv,
  optionsFromFile,
  optionsFromProfile,
  type ProfileLoadOptions,
} from '../config/config.js';
export {
  configPath,
  getProfile,
  listProfiles,
  type ProfileStoreOptions,
  type ProfileSummary,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from '../config/profiles.js';
export type { StoredOptions } from '../config/stored-options.js';
export type {
  ConsoleHelper,
  GuestKind,
  GuestRef,
  ShellOptions,
  TerminalOptions,
} from '../console/console-helper.js';
export type { TerminalStream, VncStream } from '../console/console-types.js';
export type { ExecOptions, ExecResult, GuestAgent } from '../console/guest-agent.js';
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
} from '../core/errors.js';
export type { ClientHooks, RequestRecord, ResponseRecord } from '../core/hook-types.js';
export { SERVICES, type ServiceInfo, type ServiceName } from '../core/services.js';
export type { BackendName, HttpMethod, ParamScalar, Params, ParamValue } from '../core/types.js';
export type { Upid as ParsedUpid } from '../core/upid.js';
export type { Checksum } from '../files/checksums.js';
export type {
  Download,
  DownloadOptions,
  DownloadUrlOptions,
  FileHelper,
  FileResult,
  UploadContent,
  UploadOptions,
} from '../files/files.js';
export type { CallOptions, TaskStatus, WaitOptions } from '../options/call-options.js';
export type { ProxmoxOptions, ServiceInput, ServiceOf, TfaAnswer, TfaChallenge } from '../options/options.js';
export { formatPropertyString, parsePropertyString } from '../schema/property-string.js';
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
} from '../sdk/proxmox-sdk.js';
export type { SyncCallOptions, SyncClient, SyncClientCore, SyncFiles, SyncTasks } from '../sync/sync.js';
export { isUpid, type LogOptions, parseUpid, type TaskHelper, type TaskResult } from '../tasks/tasks.js';
export {
  type ApiRoot,
  type Bool,
  type Envelope,
  type LooseNode,
  type Outcome,
  propertyString,
  type RawRoute,
  type RemoteUpid,
  type RouteKey,
  type RouteMap,
  type RouteParams,
  type RouteReturns,
  rawRoute,
  type Synced,
  type SyncVerb,
  type SyncVerbOpt,
  type Upid,
  type Verb,
  type VerbOpt,
} from '../typed/index.js';
