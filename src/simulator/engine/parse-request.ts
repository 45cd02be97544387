/**
 * Turns a raw request into method, decoded path segments and parameters, refusing what
 * pveproxy refuses before any handler runs: bodies on GET/DELETE, chunked bodies, and
 * oversized non-upload bodies all get 501.
 */

import { SERVICES, type ServiceName } from '../../core/services.js';
import { splitApiPath } from './api-format.js';
import { boundaryOf, type MultipartPart, parseMultipart } from './multipart.js';
import { SimError } from './sim-error.js';
import type { SimParams, SimRequest } from './types.js';

/** proxmox-rest-server rest.rs MAX_URI_QUERY_LENGTH. */
const MAX_RUST_URI_QUERY = 3072;
/** pveproxy refuses non-upload bodies above this size (proxmox-rest-server too: MAX_REQUEST_BODY_SIZE). */
export const MAX_BODY_BYTES = 512 * 1024;

export interface ParsedRequest {
  method: string;
  /** The output format word of `/api2/<format>/...` (see api-format.ts). */
  format: string;
  /** Decoded path segments below /api2/<format>. */
  segments: string[];
  /** Query and body parameters; the query wins where both have a key. */
  params: SimParams;
  /** File parts of a multipart body. */
  files: MultipartPart[];
}

export function headerValue(headers: SimRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Parameter maps have no prototype: a parameter named `constructor` or `__proto__` is
 * data like any other, never an inherited member.
 */
export function emptyParams(): SimParams {
  return Object.create(null) as SimParams;
}

function addParam(params: SimParams, key: string, value: string): void {
  const existing = Object.hasOwn(params, key) ? params[key] : undefined;
  if (existing === undefined) params[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else params[key] = [existing, value];
}

function jsonScalar(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * pve-http-server AnyEvent.pm authenticate_and_handle_request: a non-upload body must be
 * form-encoded or JSON (anything else 506 "upload 'Content-Type '...' not implemented",
 * a bare text answer), and multipart only goes to the upload method (auth_handler's
 * isUpload: POST /nodes/{node}/storage/{storage}/upload). PMG's upload paths are not in
 * the source read here, so PMG takes multipart anywhere. proxmox-rest-server rest.rs
 * get_request_parameters takes form and JSON only: 400 "unsupported content type".
 */
function checkContentType(service: ServiceName, contentType: string, path: string): void {
  const type = contentType.split(/\s*[;,]\s*/)[0] ?? '';
  if (type === '' || type === 'application/x-www-form-urlencoded' || type === 'application/json') return;
  const multipart = type === 'multipart/form-data';
  if (SERVICES[service].perlServer) {
    if (multipart && (service === 'PMG' || /^\/nodes\/[^/]+\/storage\/[^/]+\/upload$/.test(path))) return;
    throw new SimError(506, `upload 'Content-Type '${contentType}' not implemented`, undefined, 'text');
  }
  if (!multipart) throw new SimError(400, `unsupported content type Ok("${contentType}")`);
}

/**
 * PVE decodes a JSON body with decode_json inside handle_api2_request's eval: a malformed
 * one (or one that is no object, "Not a HASH reference") is a bare 500 with the error
 * (AnyEvent.pm extract_params). The Rust servers answer serde's error as a 400.
 */
function parseJson(service: ServiceName, body: Buffer): Record<string, unknown> {
  const perl = SERVICES[service].perlServer;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    // JSON::XS's wording with the offset; never the JavaScript parser's text.
    const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    const where = `at character offset ${offset}`;
    if (perl) throw new SimError(500, `malformed JSON string, ${where}`, undefined, 'text');
    throw new SimError(400, `malformed JSON body, ${where}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    if (perl) throw new SimError(500, 'Not a HASH reference', undefined, 'text');
    throw new SimError(400, 'JSON body must be an object');
  }
  return parsed as Record<string, unknown>;
}

function parseBody(
  service: ServiceName,
  body: Buffer,
  contentType: string,
  params: SimParams,
  files: MultipartPart[],
): void {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    for (const [key, value] of Object.entries(parseJson(service, body))) {
      if (value === null || value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) addParam(params, key, jsonScalar(v));
      else addParam(params, key, jsonScalar(value));
    }
    return;
  }
  if (type === 'multipart/form-data') {
    const boundary = boundaryOf(contentType);
    if (!boundary) throw new SimError(400, 'multipart body without boundary');
    let parts: MultipartPart[];
    try {
      parts = parseMultipart(body, boundary);
    } catch (error) {
      throw new SimError(400, `malformed multipart body: ${(error as Error).message}`);
    }
    for (const part of parts) {
      // pveproxy streams the file to disk as it arrives; fields after the file part come too late.
      if (part.fileName === undefined && files.length > 0) {
        throw new SimError(400, 'Parameter verification failed.', {
          [part.name]: 'must be sent before the file part',
        });
      }
      // The file part's field counts as a parameter holding the file name, as on PVE.
      if (part.fileName !== undefined) {
        files.push(part);
        addParam(params, part.name, part.fileName);
      } else addParam(params, part.name, part.data.toString('utf8'));
    }
    return;
  }
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) addParam(params, key, value);
}

/**
 * URI::Escape uri_unescape: each `%XX` becomes its byte, anything else stays. A run of
 * escapes is decoded together so that multi-byte UTF-8 survives.
 */
function uriUnescape(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'),
  );
}

/**
 * What the servers check before authentication: the path and its format, the method and
 * (pve-http-server AnyEvent.pm process_header) chunked bodies. Body parameters come later,
 * from parseRequestBody, after authentication, as both servers read the body only then.
 */
export function parseRequestHead(req: SimRequest, service: ServiceName = 'PVE'): ParsedRequest {
  const method = req.method.toUpperCase();
  const perl = SERVICES[service].perlServer;
  const queryAt = req.url.indexOf('?');
  const rawPath = queryAt < 0 ? req.url : req.url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : req.url.slice(queryAt + 1);
  // proxmox-rest-server rest.rs handle_request: path plus query over 3072 bytes is a bare 414.
  if (!perl && rawPath.length + query.length > MAX_RUST_URI_QUERY)
    throw new SimError(414, '', undefined, 'empty');
  const { format, rest } = splitApiPath(rawPath, perl);
  if (perl && !['GET', 'POST', 'PUT', 'DELETE'].includes(method)) {
    // AnyEvent.pm process_header: a bare response, before any authentication.
    throw new SimError(501, `method '${method}' not available`, undefined, 'empty');
  }
  if (perl && (headerValue(req.headers, 'transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
    throw new SimError(501, 'chunked transfer encoding not supported', undefined, 'text');
  }
  let segments: string[];
  if (perl) {
    // pveproxy unescapes the whole path before it splits it (AnyEvent.pm process_header and
    // authenticate_and_handle_request: `uri_unescape($request->uri->path())`, then
    // RESTHandler.pm find_handler splits on `/+`), so an encoded `/` in an id separates
    // segments there as a plain one does; URI::Escape leaves a bad escape as it is.
    // proxmox-router find_route (PBS, PDM) splits first and decodes each segment.
    segments = uriUnescape(rest)
      .split('/')
      .filter((s) => s !== '');
  } else {
    try {
      segments = rest
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
    } catch {
      throw new SimError(400, 'malformed URI');
    }
  }
  const params = emptyParams();
  for (const [key, value] of new URLSearchParams(query)) addParam(params, key, value);
  return { method, format, segments, params, files: [] };
}

/**
 * Adds the body's parameters (the query wins a key both have) and files, refusing what the
 * servers refuse once the caller is known: pve-http-server AnyEvent.pm
 * authenticate_and_handle_request answers a body on GET/DELETE and an oversized one with 501,
 * a content type it cannot read with 506.
 */
export function parseRequestBody(parsed: ParsedRequest, req: SimRequest, service: ServiceName = 'PVE'): void {
  const perl = SERVICES[service].perlServer;
  const { method } = parsed;
  const body = req.body ?? Buffer.alloc(0);
  const declared = Number(headerValue(req.headers, 'content-length') ?? body.length);
  if (perl && (method === 'GET' || method === 'DELETE') && (body.length > 0 || declared > 0)) {
    throw new SimError(501, `Unexpected content for method '${method}'`, undefined, 'text');
  }
  if (body.length === 0) return;
  const contentType = headerValue(req.headers, 'content-type') ?? '';
  const multipart = contentType.toLowerCase().startsWith('multipart/form-data');
  if (!multipart && body.length > MAX_BODY_BYTES) {
    if (perl) throw new SimError(501, 'for data too large', undefined, 'text');
    throw new SimError(400, 'Request body too large');
  }
  checkContentType(service, contentType, `/${parsed.segments.join('/')}`);
  const bodyParams = emptyParams();
  parseBody(service, body, contentType, bodyParams, parsed.files);
  // rest.rs get_request_parameters: with a JSON body the Rust servers read no query at all.
  const json = contentType.split(';')[0]?.trim() === 'application/json';
  const query = json && !perl ? emptyParams() : parsed.params;
  parsed.params = Object.assign(emptyParams(), bodyParams, query);
}

/** Both steps at once, for callers that do not authenticate in between. */
export function parseRequest(req: SimRequest, service: ServiceName = 'PVE'): ParsedRequest {
  const parsed = parseRequestHead(req, service);
  parseRequestBody(parsed, req, service);
  return parsed;
}
