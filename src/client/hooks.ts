/**
 * What a client shows of its traffic: hooks (option `hooks`), events on
 * `node:diagnostics_channel`, and the debug log (option `debug`, `PROXMOX_DEBUG`).
 * All three see the same records, built once per attempt and redacted before anyone sees
 * them: credentials headers masked, secret parameters masked, known secrets scrubbed.
 * Nothing is built when no one listens, so an unobserved client pays one boolean check.
 */
import { channel } from 'node:diagnostics_channel';
import type { ClientHooks, RequestRecord, ResponseRecord } from '../core/hook-types.js';
import type { Redactor } from '../core/redact.js';
import type { Params } from '../core/types.js';

/**
 * `node:diagnostics_channel` names: `proxmox-sdk:request` gets a RequestRecord before each
 * attempt, `proxmox-sdk:response` a ResponseRecord after it. Subscribe with
 * `diagnostics_channel.subscribe('proxmox-sdk:request', fn)`.
 */
export const CHANNELS = { request: 'proxmox-sdk:request', response: 'proxmox-sdk:response' } as const;

const requestChannel = channel(CHANNELS.request);
const responseChannel = channel(CHANNELS.response);

/** Parameters whose values are secret whatever they hold (a renewal posts the ticket as `password`). */
const SECRET_PARAMS = new Set([
  ...['password', 'new-password', 'otp', 'tfa-challenge', 'totp', 'value', 'key'],
  // A console ticket, given back to vncwebsocket or POST /access/vncticket.
  'vncticket',
]);
/** Answer fields that carry credentials: login tickets and the secret of a new API token. */
const SECRET_FIELDS = new Set(['ticket', 'CSRFPreventionToken', 'value', 'password']);
const MASK = '***';

export type DebugSink = (line: string) => void;

/** `PROXMOX_DEBUG=1` (any value but empty, `0` or `false`) turns the debug log on for every client. */
export function debugFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.PROXMOX_DEBUG;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

export class Observers {
  readonly #hooks: ClientHooks;
  readonly #debug: DebugSink | undefined;
  readonly #redactor: Redactor;

  constructor(hooks: ClientHooks | undefined, debug: boolean | DebugSink | undefined, redactor: Redactor) {
    this.#hooks = hooks ?? {};
    this.#debug =
      typeof debug === 'function'
        ? debug
        : debug === true
          ? (line) => process.stderr.write(`${line}\n`)
          : undefined;
    this.#redactor = redactor;
  }

  /** Whether anyone listens; when not, no record is built. */
  get active(): boolean {
    const { beforeRequest, afterResponse } = this.#hooks;
    return (
      this.#debug !== undefined ||
      (beforeRequest?.length ?? 0) > 0 ||
      (afterResponse?.length ?? 0) > 0 ||
      requestChannel.hasSubscribers ||
      responseChannel.hasSubscribers
    );
  }

  request(
    base: Omit<RequestRecord, 'params' | 'headers'>,
    params: Params,
    headers: Readonly<Record<string, string>>,
  ): RequestRecord {
    return { ...base, params: this.#params(params), headers: this.#headers(headers) };
  }

  async before(record: RequestRecord): Promise<void> {
    if (requestChannel.hasSubscribers) requestChannel.publish(record);
    this.#debug?.(`proxmox-sdk > ${record.method} ${record.path}${describe(record)}`);
    for (const hook of this.#hooks.beforeRequest ?? []) await hook(record);
  }

  async after(
    request: RequestRecord,
    outcome: {
      status?: number;
      statusText?: string;
      headers?: Readonly<Record<string, string | string[] | undefined>>;
      body?: unknown;
      error?: Error;
    },
    durationMs: number,
  ): Promise<void> {
    const record: ResponseRecord = {
      ...request,
      status: outcome.status,
      statusText: outcome.statusText === undefined ? undefined : this.#redactor.scrub(outcome.statusText),
      responseHeaders: outcome.headers === undefined ? undefined : this.#answerHeaders(outcome.headers),
      body: this.#body(outcome.body),
      error: outcome.error,
      durationMs,
    };
    if (responseChannel.hasSubscribers) responseChannel.publish(record);
    if (this.#debug !== undefined) {
      const what =
        record.status === undefined
          ? `failed: ${record.error?.message ?? 'unknown error'}`
          : `${record.status} ${record.statusText ?? ''}`.trimEnd();
      this.#debug(`proxmox-sdk < ${record.method} ${record.path} ${what} (${Math.round(durationMs)} ms)`);
    }
    for (const hook of this.#hooks.afterResponse ?? []) await hook(record);
  }

  #params(params: Params): Params {
    const out: Record<string, Params[string]> = {};
    for (const [key, value] of Object.entries(params)) {
      out[key] = SECRET_PARAMS.has(key) && value !== undefined ? MASK : this.#scrubValue(value);
    }
    return out as Params;
  }

  #scrubValue<T>(value: T): T {
    if (typeof value === 'string') return this.#redactor.scrub(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.#scrubValue(v)) as T;
    return value;
  }

  #headers(headers: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) out[name] = maskHeader(name, value);
    return out;
  }

  #answerHeaders(
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Record<string, string | string[] | undefined> {
    const out: Record<string, string | string[] | undefined> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      out[name] = Array.isArray(value) ? value.map((v) => maskHeader(name, v)) : maskHeader(name, value);
    }
    return out;
  }

  #body(body: unknown, depth = 0): unknown {
    if (typeof body === 'string') return this.#redactor.scrub(body);
    if (typeof body !== 'object' || body === null) return body;
    if (depth > 8) return this.#deep(body);
    if (Array.isArray(body)) return body.map((v) => this.#body(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      // Keys are the server's words too: an `errors` map may echo a parameter's value as a key.
      out[this.#redactor.scrub(key)] =
        SECRET_FIELDS.has(key) && typeof value === 'string' ? MASK : this.#body(value, depth + 1);
    }
    return out;
  }

  /** Deeper than the walk goes: kept as it is when its JSON holds no secret, else scrubbed as text. */
  #deep(body: object): unknown {
    let json: string;
    try {
      json = JSON.stringify(body);
    } catch {
      return '[too deep to show]';
    }
    const scrubbed = this.#redactor.scrub(json);
    if (scrubbed === json) return body;
    try {
      return JSON.parse(scrubbed);
    } catch {
      return scrubbed;
    }
  }
}

/** Credentials headers keep their shape and lose their secret. */
function maskHeader(name: string, value: string): string {
  switch (name.toLowerCase()) {
    case 'cookie':
    case 'set-cookie':
      return value.replace(/=[^;]*/g, `=${MASK}`);
    case 'csrfpreventiontoken':
    case 'proxy-authorization':
      return MASK;
    case 'authorization': {
      // `PVEAPIToken=user@realm!id=SECRET`, `PBSAPIToken=user@realm!id:SECRET`: a token id has
      // no `=` or `:`, but the secret may, so the mask starts right after the id (masking only
      // after the last separator showed most of a secret like `a=b:c`). Anything else keeps
      // only its scheme.
      const token = /^[^=\s]+=[^!]*![^=:]*[=:]/.exec(value);
      if (token) return `${token[0]}${MASK}`;
      const scheme = /^[^=\s]*[=\s]/.exec(value);
      return scheme ? `${scheme[0]}${MASK}` : MASK;
    }
    default:
      return value;
  }
}

function describe(record: RequestRecord): string {
  const keys = Object.keys(record.params);
  const params = keys.length === 0 ? '' : ` ${JSON.stringify(record.params)}`;
  return `${params}${record.attempt > 0 ? ` (attempt ${record.attempt + 1})` : ''}`;
}
