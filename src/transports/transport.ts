/**
 * The one primitive every backend implements: send a request, return status, headers, body.
 * Transports know connections and bytes, not fluent paths or logins; retries, auth and
 * envelope decoding wrap them (see src/client/pipeline.ts).
 */
import type { Readable } from 'node:stream';
import type { BackendName, HttpMethod, Params } from '../core/types.js';

/** A file part for multipart uploads (see src/files/files.ts). */
export interface UploadPart {
  /** Form field name of the file part (`filename` for storage uploads). */
  field: string;
  /** File name sent in the part's Content-Disposition. */
  fileName: string;
  /** Local path of the file; read as a stream, never whole into memory. */
  localPath: string;
  size: number;
  /**
   * The node whose storage receives the file: pveproxy never forwards an upload, so a
   * transport that knows several cluster hosts sends it to this one.
   */
  node?: string;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface TransportRequest {
  method: HttpMethod;
  /** API path below `/api2/json`, starting with `/`, each segment already percent-encoded. */
  path: string;
  /** Raw parameters; each transport encodes them for its wire (query, form, JSON, argv). */
  params: Params;
  /** Headers from the auth layer (cookie, CSRF token, Authorization). Shell transports ignore them. */
  headers: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Milliseconds for the whole exchange. */
  timeout?: number;
  /** Present for multipart uploads. */
  upload?: UploadPart;
  /** `stream` hands the body over unread (downloads); default parses JSON. */
  responseType?: 'json' | 'stream';
}

export interface TransportResponse {
  status: number;
  /** The reason phrase; Proxmox puts the first line of its error message here. */
  statusText: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON when the body was JSON, else the body text (undefined for streams). */
  body: unknown;
  /** The unread body when `responseType` was `stream`. */
  stream?: Readable;
}

export interface Transport {
  readonly backend: BackendName;
  /**
   * Whether requests need Proxmox credentials (tickets, tokens). False for the shell
   * backends, which are authenticated by ssh or by running on the host.
   */
  readonly needsAuth: boolean;
  request(req: TransportRequest): Promise<TransportResponse>;
  /** Finishes what is in flight, then releases connections. */
  close(): Promise<void>;
}

/** Socket errors raised before a byte of the request left: safe to retry for any method. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Node's and OpenSSL's codes for a server certificate that is refused. */
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i;

/**
 * What a transport knows about a socket failure when it wraps it in a ConnectionError:
 * whether the request can have reached the server, and whether the certificate was refused.
 * The pipeline decides on these fields instead of reading messages.
 */
export function classifyFailure(error: unknown): { sent: 'no' | 'maybe'; certificate: boolean } {
  const code = (error as { code?: unknown } | undefined)?.code;
  const text = typeof code === 'string' ? code : '';
  const certificate = CERTIFICATE_CODE.test(text);
  // Nothing is sent before the handshake ends, so a refused certificate also means "not sent".
  return { sent: certificate || NOT_SENT_CODES.has(text) ? 'no' : 'maybe', certificate };
}
