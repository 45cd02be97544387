/**
 * The request pipeline every call goes through: credentials, the transport, retries of
 * safe requests, one re-login on a refused ticket, and the `{data}` envelope.
 * Order: auth headers -> beforeRequest hooks -> transport -> afterResponse hooks ->
 * (401: re-login once) -> (retryable: back off, again) -> decode.
 * `timeout` bounds each attempt; `deadline` bounds the whole call, waits included.
 */
import type { Authenticator } from '../auth/authenticator.js';
import { AuthenticationError, ConnectionError, ProxmoxError, ResourceException } from '../core/errors.js';
import { wirePath } from '../core/path-ids.js';
import { plainMessage } from '../core/plain-error.js';
import type { Redactor } from '../core/redact.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { CallOptions } from '../options/call-options.js';
import type { ResolvedOptions } from '../options/resolve.js';
import type { Transport, TransportRequest, TransportResponse, UploadPart } from '../transports/transport.js';
import { Deadline } from './deadline.js';
import { debugFromEnv, Observers } from './hooks.js';

const RETRY_STATUSES = new Set([502, 503, 504]);
const BACKOFF_BASE = 100;
const BACKOFF_CAP = 2_000;
/** A server asking for a longer pause than this is not waited for: its answer stands. */
const RETRY_AFTER_CAP = 30_000;
/** Paths whose wire form is remembered; past this the memo starts over (ids make paths many). */
const WIRE_PATHS_KEPT = 1_000;
const NO_OPTIONS: CallOptions = Object.freeze({});
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_PARAMS: Params = Object.freeze({});

/** One call through the pipeline. */
export interface Call {
  method: HttpMethod;
  /** API path below `/api2/json`, each segment already encoded. */
  path: string;
  params?: Params | undefined;
  options?: CallOptions | undefined;
  /** A multipart upload's file part. */
  upload?: UploadPart;
  /** `stream` hands the body over unread (downloads). */
  responseType?: 'json' | 'stream';
  /** The client's own login: sent without auth headers, and safe to repeat. */
  login?: boolean;
}

export interface PipelineParts {
  transport: () => Promise<Transport>;
  /** The transport when it is up already, so that a call need not await it; else undefined. */
  transportReady?: () => Transport | undefined;
  auth: Authenticator | undefined;
  options: ResolvedOptions;
  redactor: Redactor;
  /** Checks parameters before sending (option `validate`). */
  validate?: (method: HttpMethod, path: string, params: Params | undefined) => Promise<void>;
}

export class Pipeline {
  readonly #parts: PipelineParts;
  readonly #observers: Observers;
  readonly options: ResolvedOptions;
  readonly #wire = new Map<string, string>();

  constructor(parts: PipelineParts) {
    this.#parts = parts;
    this.options = parts.options;
    const o = parts.options;
    this.#observers = new Observers(o.hooks, o.debug ?? debugFromEnv(), parts.redactor);
  }

  /** A call with auth, retries and envelope decoding; resolves to `data` (or the envelope). */
  call(call: Call): Promise<unknown> {
    return this.#exchange(call, true);
  }

  /** Turns a raw response into `data` or the typed error, as `call` does. */
  decode(res: TransportResponse, call: Call): unknown {
    const envelope = call.options !== undefined && call.options.envelope === true;
    return decode(res, call.method, call.path, envelope, this.#parts.redactor);
  }

  /** Sends with auth and retries; answers the raw response (any status). */
  send(call: Call): Promise<TransportResponse> {
    return this.#exchange(call, false) as Promise<TransportResponse>;
  }

  /** The path as sent, remembered per path: most programs call a few paths many times. */
  #wirePath(method: HttpMethod, path: string): string {
    let sent = this.#wire.get(path);
    if (sent === undefined) {
      // Before validation and before any byte is sent: an id with `/` would reach another method.
      sent = wirePath(this.options.service.name, method, path);
      if (this.#wire.size >= WIRE_PATHS_KEPT) this.#wire.clear();
      this.#wire.set(path, sent);
    }
    return sent;
  }

  /**
   * `call` and `send` in one async frame. Each await here is taken only when its value is not
   * at hand: the transport once it is up, and credentials that need no login or renewal
   * (`Authenticator.ready`), are used without a turn of the microtask queue.
   */
  async #exchange(call: Call, decoded: boolean): Promise<unknown> {
    const { method, path, upload } = call;
    const options = call.options ?? NO_OPTIONS;
    const params = call.params ?? NO_PARAMS;
    const { auth, options: resolved, validate } = this.#parts;
    const sent = this.#wirePath(method, path);
    // A call's own timeout brings room for its attempts, as the client's does for the
    // default deadline: `{ timeout: 600_000 }` on a slow call means what it says.
    const deadline = new Deadline(
      method,
      path,
      options.deadline !== undefined
        ? options.deadline
        : Math.max(
            resolved.deadline,
            (resolved.retries + 1) * (options.timeout === undefined ? 0 : options.timeout),
          ),
    );
    if (validate !== undefined) {
      // An upload's file travels as its own part, not among the parameters the schema lists.
      await validate(method, path, upload ? { ...params, [upload.field]: upload.fileName } : call.params);
    }
    const ready = this.#parts.transportReady?.();
    const transport = ready === undefined ? await this.#parts.transport() : ready;
    // A login is safe to repeat: the worst a repeated one does is issue a second ticket.
    const safe = method === 'GET' || options.retry === true || call.login === true;
    const useAuth = auth !== undefined && transport.needsAuth && call.login !== true;
    const observed = this.#observers.active;
    const attemptTimeout = options.timeout === undefined ? resolved.timeout : options.timeout;
    let retriesLeft = resolved.retries;
    let reloginLeft = 1;
    for (let attempt = 0; ; attempt++) {
      const headers = useAuth
        ? (auth!.ready?.(method) ?? (await auth!.headers(method, options.signal)))
        : NO_HEADERS;
      const timeoutMs = deadline.attemptTimeout(attemptTimeout);
      const record = observed
        ? this.#observers.request(
            { method, path, backend: transport.backend, attempt, login: call.login === true },
            params,
            headers,
          )
        : undefined;
      if (record !== undefined) await this.#observers.before(record);
      const started = record === undefined ? 0 : performance.now();
      const request: TransportRequest = { method, path: sent, params, headers, timeout: timeoutMs };
      // Only the fields a call has (optional fields are absent, never undefined); no spreads per attempt.
      if (options.signal !== undefined) request.signal = options.signal;
      if (upload !== undefined) request.upload = upload;
      if (call.responseType !== undefined) request.responseType = call.responseType;
      let res: TransportResponse;
      try {
        res = await transport.request(request);
      } catch (caught) {
        const error = deadline.explain(this.#scrubbed(caught));
        if (record !== undefined) {
          await this.#observers.after(record, { error: error as Error }, performance.now() - started);
        }
        // A refused certificate stays refused; a request that may have reached the server is
        // repeated only when that is safe.
        if (
          !(error instanceof ConnectionError) ||
          error.certificate ||
          !(safe || error.sent === 'no') ||
          retriesLeft === 0
        ) {
          throw error;
        }
        retriesLeft--;
        await deadline.wait(backoff(attempt), options.signal, error);
        continue;
      }
      if (record !== undefined) {
        await this.#observers.after(
          record,
          { status: res.status, statusText: res.statusText, headers: res.headers, body: res.body },
          performance.now() - started,
        );
      }
      if (res.status === 401 && useAuth && reloginLeft > 0) {
        reloginLeft--;
        if (await auth!.refused(headers)) continue;
      }
      if (RETRY_STATUSES.has(res.status) && safe && retriesLeft > 0) {
        const asked = retryAfter(res);
        // Waiting less than the server asked would only meet the same answer again.
        if (asked !== undefined && asked > RETRY_AFTER_CAP) return decoded ? this.decode(res, call) : res;
        retriesLeft--;
        await deadline.wait(asked ?? backoff(attempt), options.signal, () =>
          this.#scrubbed(failure(this, res, call)),
        );
        continue;
      }
      return decoded ? this.decode(res, call) : res;
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

/** The error an answer stands for, to name as the cause when the deadline cuts its retry short. */
function failure(pipeline: Pipeline, res: TransportResponse, call: Call): unknown {
  try {
    pipeline.decode(res, call);
    return undefined;
  } catch (error) {
    return error;
  }
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
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
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
  const errors = found ? redactor.scrubRecord(found) : undefined;
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

function describeBody(body: unknown): string {
  if (typeof body === 'string') {
    const t = body.trimStart();
    return t.startsWith('<') ? 'an HTML page' : t === '' ? 'an empty body' : 'text, not JSON';
  }
  return 'JSON without a data field';
}
