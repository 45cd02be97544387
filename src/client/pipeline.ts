/**
 * The request pipeline every call goes through: credentials, the transport, retries of
 * safe requests, one re-login on a refused ticket, and the `{data}` envelope.
 * Order: auth headers -> transport -> (401: re-login once) -> (retryable: back off, again) -> decode.
 */
import type { Authenticator } from '../auth/authenticator.js';
import { AuthenticationError, ConnectionError, ProxmoxError, ResourceException } from '../core/errors.js';
import { plainMessage } from '../core/plain-error.js';
import type { Redactor } from '../core/redact.js';
import { sleep } from '../core/sleep.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { CallOptions } from '../options/call-options.js';
import type { ResolvedOptions } from '../options/resolve.js';
import type { Transport, TransportRequest, TransportResponse } from '../transports/transport.js';

const RETRY_STATUSES = new Set([502, 503, 504]);
/** Errors raised before a byte of the request left: safe to retry for any method. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const BACKOFF_BASE = 100;
const BACKOFF_CAP = 2_000;
const RETRY_AFTER_CAP = 30_000;

export interface PipelineParts {
  transport: () => Promise<Transport>;
  auth: Authenticator | undefined;
  options: ResolvedOptions;
  redactor: Redactor;
  /** Checks parameters before sending (option `validate`). */
  validate?: (method: HttpMethod, path: string, params: Params | undefined) => Promise<void>;
}

export class Pipeline {
  readonly #parts: PipelineParts;

  constructor(parts: PipelineParts) {
    this.#parts = parts;
  }

  async call(
    method: HttpMethod,
    path: string,
    params: Params | undefined,
    options: CallOptions = {},
  ): Promise<unknown> {
    const res = await this.send(method, path, params, options);
    return decode(res, method, path, options.envelope === true, this.#parts.redactor);
  }

  /** Sends with auth and retries; answers the raw response (any status). */
  async send(
    method: HttpMethod,
    path: string,
    params: Params | undefined,
    options: CallOptions = {},
    extra: Partial<TransportRequest> = {},
    mode: { login?: boolean } = {},
  ): Promise<TransportResponse> {
    const { auth, options: resolved, validate } = this.#parts;
    if (validate !== undefined) {
      // An upload's file travels as its own part, not among the parameters the schema lists.
      const checked = extra.upload ? { ...params, [extra.upload.field]: extra.upload.fileName } : params;
      await validate(method, path, checked);
    }
    const transport = await this.#parts.transport();
    // A login is safe to repeat: the worst a repeated one does is issue a second ticket.
    const safe = method === 'GET' || options.retry === true || mode.login === true;
    const useAuth = auth !== undefined && transport.needsAuth && mode.login !== true;
    let retriesLeft = resolved.retries;
    let reloginLeft = 1;
    for (let attempt = 0; ; attempt++) {
      const headers = useAuth ? await auth!.headers(method, options.signal) : {};
      let res: TransportResponse;
      try {
        res = await transport.request({
          method,
          path,
          params: params ?? {},
          headers,
          timeout: options.timeout ?? resolved.timeout,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...extra,
        });
      } catch (error) {
        if (!(error instanceof ConnectionError) || isCertificateError(error)) throw this.#scrubbed(error);
        const notSent = NOT_SENT_CODES.has(causeCode(error) ?? '');
        // A request that may have reached the server is repeated only when that is safe.
        if ((safe || notSent) && retriesLeft > 0) {
          retriesLeft--;
          await sleep(backoff(attempt), options.signal);
          continue;
        }
        throw this.#scrubbed(error);
      }
      if (res.status === 401 && useAuth && reloginLeft > 0) {
        reloginLeft--;
        if (await auth!.refused(headers)) continue;
      }
      if (RETRY_STATUSES.has(res.status) && safe && retriesLeft > 0) {
        retriesLeft--;
        await sleep(retryAfter(res) ?? backoff(attempt), options.signal);
        continue;
      }
      return res;
    }
  }

  #scrubbed(error: unknown): unknown {
    if (error instanceof ProxmoxError) {
      const scrubbed = this.#parts.redactor.scrub(error.message);
      if (scrubbed !== error.message) Object.defineProperty(error, 'message', { value: scrubbed });
    }
    return error;
  }
}

function causeCode(error: Error): string | undefined {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function isCertificateError(error: Error): boolean {
  const code = causeCode(error) ?? '';
  return (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|fingerprint/i.test(code) || /fingerprint/.test(error.message)
  );
}

/** Full jitter: a random wait up to an exponentially growing cap. */
function backoff(attempt: number): number {
  return Math.random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt);
}

function retryAfter(res: TransportResponse): number | undefined {
  const value = res.headers['retry-after'];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, Math.min(ms, RETRY_AFTER_CAP)) : undefined;
}

/** Unwraps `{data}` or turns an error status into a typed error with the server's words. */
export function decode(
  res: TransportResponse,
  method: HttpMethod,
  path: string,
  envelope: boolean,
  redactor: Redactor,
): unknown {
  const body = res.body;
  const isEnvelope = typeof body === 'object' && body !== null && !Array.isArray(body) && 'data' in body;
  if (res.status >= 200 && res.status < 300) {
    if (!isEnvelope) {
      throw new ProxmoxError(
        `${method} ${path}: the server's answer is not a Proxmox API response (${describeBody(body)})`,
        { method, path },
      );
    }
    return envelope ? body : (body as { data: unknown }).data;
  }
  const parsed =
    isEnvelope || (typeof body === 'object' && body !== null) ? (body as Record<string, unknown>) : {};
  const plain = plainMessage(body);
  const message = typeof parsed.message === 'string' ? parsed.message.trim() : plain?.message;
  const status = res.statusText || message?.split('\n')[0] || 'error';
  // PVE and PMG put the message's first line in the reason phrase; PBS and PDM send the
  // standard phrase ("403 Forbidden") and the message only in the body.
  const first = plain?.message.split('\n')[0];
  const reason = redactor.scrub(first !== undefined && first !== status ? `${status}: ${first}` : status);
  const found = isStringMap(parsed.errors) ? parsed.errors : plain?.errors;
  const errors = found ? scrubMap(found, redactor) : undefined;
  const detail = errors
    ? ` (${Object.entries(errors)
        .map(([k, v]) => `${k}: ${v.trim()}`)
        .join('; ')})`
    : '';
  const text = `${method} ${path}: ${res.status} ${reason}${detail}${clientCertificateHint(res)}`;
  if (res.status === 401) return fail(new AuthenticationError(text, { method, path, statusCode: 401 }));
  if (res.status === 0 || res.status >= 600) return fail(new ConnectionError(text, { method, path }));
  return fail(
    new ResourceException(text, {
      method,
      path,
      statusCode: res.status,
      statusMessage: redactor.scrub(status),
      ...(message === undefined
        ? typeof body === 'string' && body !== ''
          ? { content: redactor.scrub(body.slice(0, 2000)) }
          : {}
        : { content: redactor.scrub(message) }),
      ...(errors === undefined ? {} : { errors }),
    }),
  );
}

/**
 * nginx with `ssl_verify_client on` completes the handshake and then answers every request
 * 400 with a page saying why; the status line alone ("400 Bad Request") would not.
 */
function clientCertificateHint(res: TransportResponse): string {
  if (res.status !== 400 || typeof res.body !== 'string') return '';
  if (/No required SSL certificate was sent/i.test(res.body)) {
    return ' (the proxy in front of Proxmox requires a TLS client certificate: options cert and key)';
  }
  if (/SSL certificate error/i.test(res.body)) {
    return ' (the proxy in front of Proxmox refused the TLS client certificate given in option cert)';
  }
  return '';
}

function fail(error: Error): never {
  throw error;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

function scrubMap(map: Record<string, string>, redactor: Redactor): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, redactor.scrub(v)]));
}

function describeBody(body: unknown): string {
  if (typeof body === 'string') {
    const t = body.trimStart();
    return t.startsWith('<') ? 'an HTML page' : t === '' ? 'an empty body' : 'text, not JSON';
  }
  return 'JSON without a data field';
}
