/**
 * Every error the SDK throws is a ProxmoxError with a stable string `code`.
 * Match on `code` (or the `isXxx` guards), not on `instanceof`: the blocking facade
 * rebuilds errors that crossed a worker thread, and two copies of the package may be loaded.
 * Messages never contain secrets: callers build them from redacted parts only.
 */

const BRAND = Symbol.for('proxmox-sdk.error');

export type ErrorCode =
  | 'PROXMOX_ERROR'
  | 'PROXMOX_INVALID_ARGUMENT'
  | 'PROXMOX_AUTH'
  | 'PROXMOX_RESOURCE'
  | 'PROXMOX_CONNECTION'
  | 'PROXMOX_TIMEOUT'
  | 'PROXMOX_DEADLINE'
  | 'PROXMOX_RESPONSE_TOO_LARGE'
  | 'PROXMOX_TASK_FAILED'
  | 'PROXMOX_ABORTED'
  | 'PROXMOX_PROPERTY_STRING'
  | 'PROXMOX_GUEST_LOOKUP';

export interface ProxmoxErrorOptions {
  cause?: unknown;
  /** HTTP method of the request that failed, if any. */
  method?: string;
  /** API path of the request that failed, if any. */
  path?: string;
}

/** Base class of every error the SDK throws. */
export class ProxmoxError extends Error {
  readonly code: ErrorCode = 'PROXMOX_ERROR';
  readonly method: string | undefined;
  readonly path: string | undefined;

  constructor(message: string, options: ProxmoxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.method = options.method;
    this.path = options.path;
    Object.defineProperty(this, BRAND, { value: true });
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** Plain data for logs and for crossing a worker boundary; holds nothing secret. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (value !== undefined && typeof value !== 'function') out[key] = value;
    }
    return out;
  }
}

/** An option, path segment or parameter was wrong; nothing was sent. */
export class InvalidArgumentError extends ProxmoxError {
  override readonly code = 'PROXMOX_INVALID_ARGUMENT';
}

/**
 * Login failed, a ticket could not be renewed, a second factor is missing or wrong,
 * or the credentials are not usable with this service (e.g. a token on PMG).
 */
export class AuthenticationError extends ProxmoxError {
  override readonly code = 'PROXMOX_AUTH';
  /** The HTTP status that said so, when a server answered. */
  readonly statusCode: number | undefined;
  constructor(message: string, options: ProxmoxErrorOptions & { statusCode?: number } = {}) {
    super(message, options);
    this.statusCode = options.statusCode;
  }
}

export interface ResourceExceptionOptions extends ProxmoxErrorOptions {
  statusCode: number;
  statusMessage: string;
  /** The server's `message` or body text. */
  content?: string;
  /** Per-parameter messages, as in 400 "Parameter verification failed.". */
  errors?: Record<string, string>;
}

/** The server answered with a status >= 400 (other than a login failure). */
export class ResourceException extends ProxmoxError {
  override readonly code = 'PROXMOX_RESOURCE';
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly content: string | undefined;
  readonly errors: Record<string, string> | undefined;

  constructor(message: string, options: ResourceExceptionOptions) {
    super(message, options);
    this.statusCode = options.statusCode;
    this.statusMessage = options.statusMessage;
    this.content = options.content;
    this.errors = options.errors;
  }
}

export interface ConnectionErrorOptions extends ProxmoxErrorOptions {
  /** Whether the request may have reached the server (set by the transport). @default 'maybe' */
  sent?: 'no' | 'maybe';
  /** The server's certificate was refused (untrusted, wrong name, pin mismatch). @default false */
  certificate?: boolean;
}

/**
 * The server could not be reached, or the connection broke before an answer. The transport
 * that saw the failure says whether the request may have left (`sent`) and whether the
 * server's certificate was the reason (`certificate`): the pipeline retries from these fields.
 */
export class ConnectionError extends ProxmoxError {
  override readonly code = 'PROXMOX_CONNECTION';
  readonly sent: 'no' | 'maybe';
  readonly certificate: boolean;
  constructor(message: string, options: ConnectionErrorOptions = {}) {
    const { sent, certificate, ...base } = options;
    super(message, base);
    this.sent = sent ?? 'maybe';
    this.certificate = certificate ?? false;
  }
}

/** A request, a connection attempt or a task wait took longer than allowed. */
export class TimeoutError extends ProxmoxError {
  override readonly code = 'PROXMOX_TIMEOUT';
}

/**
 * The server's answer is larger than `maxResponseBytes` (announced or sent): the request
 * was ended there, without reading the rest. Not retried: the same request gets the same answer.
 */
export class ResponseTooLargeError extends ProxmoxError {
  override readonly code = 'PROXMOX_RESPONSE_TOO_LARGE';
  /** The limit in force, in bytes. */
  readonly limitBytes: number;
  constructor(message: string, options: ProxmoxErrorOptions & { limitBytes: number }) {
    super(message, options);
    this.limitBytes = options.limitBytes;
  }
}

/**
 * The call's overall deadline (option `deadline`) ran out: retries, Retry-After waits and
 * re-logins included. `timeout` bounds one attempt; this bounds them all.
 */
export class DeadlineError extends ProxmoxError {
  override readonly code = 'PROXMOX_DEADLINE';
}

/** The caller's AbortSignal fired. */
export class AbortError extends ProxmoxError {
  override readonly code = 'PROXMOX_ABORTED';
}

export interface TaskFailedErrorOptions extends ProxmoxErrorOptions {
  upid: string;
  exitStatus: string;
  /** The last lines of the task log. */
  log?: readonly string[];
}

/** A task ended with an exit status other than `OK`. */
export class TaskFailedError extends ProxmoxError {
  override readonly code = 'PROXMOX_TASK_FAILED';
  readonly upid: string;
  readonly exitStatus: string;
  readonly log: readonly string[];
  constructor(message: string, options: TaskFailedErrorOptions) {
    super(message, options);
    this.upid = options.upid;
    this.exitStatus = options.exitStatus;
    this.log = options.log ?? [];
  }
}

/**
 * A property string (`virtio=BC:24:...,bridge=vmbr0`) could not be parsed or built; the
 * message uses PVE's own texts (JSONSchema.pm `parse_property_string`).
 */
export class PropertyStringError extends ProxmoxError {
  override readonly code = 'PROXMOX_PROPERTY_STRING';
}

/**
 * A guest named by id or name (`guests.find('web-1')`) is not in the cluster, or the name
 * belongs to several guests: PVE does not keep names unique, so the workflows refuse to guess.
 */
export class GuestLookupError extends ProxmoxError {
  override readonly code = 'PROXMOX_GUEST_LOOKUP';
  /** `not-found`, or `ambiguous` when several guests carry the name. */
  readonly reason: 'not-found' | 'ambiguous';
  /** The vmids that matched (several when ambiguous, none when not found). */
  readonly matches: readonly number[];
  constructor(
    message: string,
    options: ProxmoxErrorOptions & { reason: 'not-found' | 'ambiguous'; matches?: readonly number[] },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.matches = options.matches ?? [];
  }
}

function hasCode(value: unknown, code: ErrorCode): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { code?: unknown }).code === code &&
    ((value as Record<symbol, unknown>)[BRAND] === true || value instanceof Error)
  );
}

export function isProxmoxError(value: unknown): value is ProxmoxError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
export const isInvalidArgumentError = (v: unknown): v is InvalidArgumentError =>
  hasCode(v, 'PROXMOX_INVALID_ARGUMENT');
export const isAuthenticationError = (v: unknown): v is AuthenticationError => hasCode(v, 'PROXMOX_AUTH');
export const isResourceException = (v: unknown): v is ResourceException => hasCode(v, 'PROXMOX_RESOURCE');
export const isConnectionError = (v: unknown): v is ConnectionError => hasCode(v, 'PROXMOX_CONNECTION');
export const isTimeoutError = (v: unknown): v is TimeoutError => hasCode(v, 'PROXMOX_TIMEOUT');
export const isTaskFailedError = (v: unknown): v is TaskFailedError => hasCode(v, 'PROXMOX_TASK_FAILED');
export const isResponseTooLargeError = (v: unknown): v is ResponseTooLargeError =>
  hasCode(v, 'PROXMOX_RESPONSE_TOO_LARGE');
export const isDeadlineError = (v: unknown): v is DeadlineError => hasCode(v, 'PROXMOX_DEADLINE');
export const isAbortError = (v: unknown): v is AbortError => hasCode(v, 'PROXMOX_ABORTED');
export const isPropertyStringError = (v: unknown): v is PropertyStringError =>
  hasCode(v, 'PROXMOX_PROPERTY_STRING');
export const isGuestLookupError = (v: unknown): v is GuestLookupError => hasCode(v, 'PROXMOX_GUEST_LOOKUP');

/** Every error class by its code: used to rebuild errors that crossed a worker boundary. */
export const ERROR_CLASSES = {
  PROXMOX_ERROR: ProxmoxError,
  PROXMOX_INVALID_ARGUMENT: InvalidArgumentError,
  PROXMOX_AUTH: AuthenticationError,
  PROXMOX_RESOURCE: ResourceException,
  PROXMOX_CONNECTION: ConnectionError,
  PROXMOX_TIMEOUT: TimeoutError,
  PROXMOX_DEADLINE: DeadlineError,
  PROXMOX_RESPONSE_TOO_LARGE: ResponseTooLargeError,
  PROXMOX_TASK_FAILED: TaskFailedError,
  PROXMOX_ABORTED: AbortError,
  PROXMOX_PROPERTY_STRING: PropertyStringError,
  PROXMOX_GUEST_LOOKUP: GuestLookupError,
} as const satisfies Record<ErrorCode, unknown>;
