import { STATUS_CODES } from 'node:http';
import { SERVICES, type ServiceName } from '../../core/services.js';
import type { ApiFormat } from './api-format.js';
import type { SimResponse } from './types.js';

const SERVER_NAMES: Record<ServiceName, string> = {
  PVE: 'pve-api-daemon/3.0',
  PMG: 'pmg-api-daemon/3.0',
  PBS: 'proxmox-backup-proxy',
  PDM: 'proxmox-datacenter-api',
};

/** Extra top-level fields some answers carry beside `data` (paged lists, config diffs). */
export interface EnvelopeExtras {
  total?: number;
  changes?: Record<string, unknown>;
  /** Fields only a login answer has outside `data` on no service; kept for symmetry. */
  [key: string]: unknown;
}

function baseHeaders(service: ServiceName): Record<string, string> {
  return {
    'content-type': 'application/json;charset=UTF-8',
    'cache-control': 'max-age=0',
    pragma: 'no-cache',
    server: SERVER_NAMES[service],
    date: new Date().toUTCString(),
  };
}

/** HTTP reason phrases must be one line of visible ASCII; Proxmox sends the message's first line. */
export function reasonPhrase(message: string): string {
  const first = message.split('\n', 1)[0] ?? '';
  const clean = first.replace(/[^\x20-\x7e\t]/g, '?').trim();
  return clean === '' ? 'Error' : clean;
}

/**
 * PBS and PDM (proxmox-rest-server) answer an error with the bare message as the body
 * (still labelled JSON) and the standard reason phrase; parameter errors become one
 * `parameter 'name': message` line each under "parameter verification errors".
 */
const plainTextErrors = (service: ServiceName): boolean => !SERVICES[service].perlServer;

const ok = (service: ServiceName, payload: Record<string, unknown>): SimResponse => ({
  status: 200,
  statusText: 'OK',
  headers: baseHeaders(service),
  body: JSON.stringify(payload),
  closeConnection: false,
});

export function successResponse(
  service: ServiceName,
  data: unknown,
  extras: EnvelopeExtras = {},
  format: ApiFormat = 'json',
): SimResponse {
  const payload: Record<string, unknown> = { data: data === undefined ? null : data };
  if (format === 'extjs') {
    // pve-http-server Formatter/Standard.pm prepare_response_data: `success` 1;
    // proxmox-rest-server formatter.rs ExtJsFormatter::format_data: `success` true, `status` 200.
    if (plainTextErrors(service)) Object.assign(payload, { success: true, status: 200 });
    else payload.success = 1;
  }
  return ok(service, Object.assign(payload, extras));
}

/** proxmox-schema src/schema.rs `impl Display for ParameterError` (the post-2023 wording). */
function plainErrorText(message: string, errors?: Record<string, string>): string {
  if (!errors || Object.keys(errors).length === 0) return message;
  const list = Object.entries(errors);
  if (list.length === 1) return `parameter verification failed - '${list[0]![0]}': ${list[0]![1]}`.trim();
  return `parameter verification failed:\n${list.map(([name, text]) => `- '${name}': ${text}\n`).join('')}`.trim();
}

/**
 * The `extjs` format answers an API error with 200 and the real status inside: pve-http-server
 * Formatter/Standard.pm prepare_response_data (`success` 0, `message`, `status`, `errors` when
 * there are any, `data` null); proxmox-rest-server formatter.rs ExtJsFormatter::format_error
 * (`success` false, `status`, `errors` always, and for parameter errors the message
 * "parameter verification errors" with one entry per parameter).
 */
function extjsError(
  service: ServiceName,
  status: number,
  message: string,
  errors: Record<string, string> | undefined,
): SimResponse {
  const hasErrors = errors !== undefined && Object.keys(errors).length > 0;
  if (plainTextErrors(service)) {
    return ok(service, {
      message: hasErrors ? 'parameter verification errors' : message,
      errors: errors ?? {},
      success: false,
      status,
    });
  }
  const payload: Record<string, unknown> = { data: null };
  if (hasErrors) payload.errors = errors;
  return ok(service, Object.assign(payload, { message: perlMessage(message), status, success: 0 }));
}

const perlMessage = (message: string): string => (message.endsWith('\n') ? message : `${message}\n`);

export function errorResponse(
  service: ServiceName,
  status: number,
  message: string,
  errors?: Record<string, string>,
  format: ApiFormat = 'json',
): SimResponse {
  if (format === 'extjs') return extjsError(service, status, message, errors);
  if (plainTextErrors(service)) {
    return {
      status,
      statusText: STATUS_CODES[status] ?? 'Error',
      headers: baseHeaders(service),
      body: plainErrorText(message, errors),
      closeConnection: false,
    };
  }
  const payload: Record<string, unknown> = { data: null };
  if (errors && Object.keys(errors).length > 0) payload.errors = errors;
  payload.message = perlMessage(message);
  return {
    status,
    statusText: reasonPhrase(message),
    headers: baseHeaders(service),
    body: JSON.stringify(payload),
    closeConnection: status >= 400,
  };
}

/**
 * An answer that bypasses the API formatter: no Content-Type, and either no body (`empty`:
 * PVE's auth-layer 401, reason phrase = the message) or the message as text (`text`: PVE's
 * AnyEvent.pm `error`, PBS's auth failures). PVE closes the connection after it.
 */
export function bareResponse(
  service: ServiceName,
  status: number,
  message: string,
  kind: 'empty' | 'text',
): SimResponse {
  const headers = baseHeaders(service);
  delete headers['content-type'];
  const rust = plainTextErrors(service);
  return {
    status,
    statusText: rust ? (STATUS_CODES[status] ?? 'Error') : reasonPhrase(message),
    headers,
    body: kind === 'empty' ? '' : message,
    closeConnection: !rust,
  };
}
