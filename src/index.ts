export type { CallOptions, TaskStatus, WaitOptions } from './call-options.js';
export type { Checksum } from './checksums.js';
export {
  type ClientCore,
  type LooseRequest,
  type ProxmoxClient,
  ProxmoxSDK,
  type ProxmoxSDKConstructor,
} from './client.js';
export {
  ENV_VARIABLES,
  optionsFromEnv,
  optionsFromFile,
  optionsFromProfile,
  type ProfileLoadOptions,
} from './config.js';
export {
  AbortError,
  AuthenticationError,
  ConnectionError,
  type ErrorCode,
  InvalidArgumentError,
  isAbortError,
  isAuthenticationError,
  isConnectionError,
  isInvalidArgumentError,
  isProxmoxError,
  isResourceException,
  isTaskFailedError,
  isTimeoutError,
  ProxmoxError,
  type ProxmoxErrorOptions,
  ResourceException,
  type ResourceExceptionOptions,
  TaskFailedError,
  type TaskFailedErrorOptions,
  TimeoutError,
} from './errors.js';
export type {
  Download,
  DownloadOptions,
  DownloadUrlOptions,
  FileHelper,
  FileResult,
  UploadContent,
  UploadOptions,
} from './files.js';
export type * as Pbs from './generated/pbs/types.js';
export type * as Pdm from './generated/pdm/types.js';
export type * as Pmg from './generated/pmg/types.js';
export type * as Pve from './generated/pve/types.js';
export type { ProxmoxOptions, ServiceInput, ServiceOf, TfaAnswer, TfaChallenge } from './options.js';
export {
  configPath,
  getProfile,
  listProfiles,
  type ProfileStoreOptions,
  type ProfileSummary,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from './profiles.js';
export { formatPropertyString, PropertyStringError, parsePropertyString } from './property-string.js';
export { SERVICES, type ServiceInfo, type ServiceName } from './services.js';
export type { StoredOptions } from './stored-options.js';
export type { SyncCallOptions, SyncClient, SyncClientCore, SyncFiles, SyncTasks } from './sync.js';
export { isUpid, type LogOptions, parseUpid, type TaskHelper, type TaskResult } from './tasks.js';
export type { BackendName, HttpMethod, ParamScalar, Params, ParamValue } from './transports/transport.js';
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
export type { Upid as ParsedUpid } from './upid.js';
