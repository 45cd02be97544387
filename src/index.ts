export type { CallOptions } from './call-options.js';
export { type ClientCore, type ProxmoxClient, ProxmoxSDK, type ProxmoxSDKConstructor } from './client.js';
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
export type { ProxmoxOptions, ServiceInput, ServiceOf, TfaAnswer, TfaChallenge } from './options.js';
export { SERVICES, type ServiceInfo, type ServiceName } from './services.js';
export type { BackendName, HttpMethod, ParamScalar, Params, ParamValue } from './transports/transport.js';
