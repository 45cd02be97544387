export type { CallOptions, TaskStatus, WaitOptions } from './call-options.js';
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
  ResourceException,
  TaskFailedError,
  TimeoutError,
} from './errors.js';
export type { DownloadOptions, DownloadUrlOptions, FileHelper, FileResult, UploadOptions } from './files.js';
export type * as Pbs from './generated/pbs/types.js';
export type * as Pdm from './generated/pdm/types.js';
export type * as Pmg from './generated/pmg/types.js';
export type * as Pve from './generated/pve/types.js';
export type { ProxmoxOptions, ServiceInput, ServiceOf, TfaAnswer, TfaChallenge } from './options.js';
export {
  configPath,
  getProfile,
  listProfiles,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from './profiles.js';
export { formatPropertyString, PropertyStringError, parsePropertyString } from './property-string.js';
export { SERVICES, type ServiceInfo, type ServiceName } from './services.js';
export type { SyncClient } from './sync.js';
export { isUpid, parseUpid, type TaskHelper, type TaskResult } from './tasks.js';
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
