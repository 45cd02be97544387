/**
 * Turns a TransportRequest into what goes on the wire: URL path with query, headers, body.
 * Shared by the HTTPS transport and the in-process mock, so both send the same bytes.
 */
import { formEncode, jsonBody, paramPairs } from '../../core/encode.js';
import type { TransportRequest } from '../transport.js';

export interface HttpWire {
  /** Path and query, e.g. `/api2/json/nodes?type=vm`. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface WireSettings {
  pathPrefix: string;
  bodyEncoding: 'form' | 'json';
  booleans: 'int' | 'bool';
}

/**
 * The headers of a GET or DELETE, per credentials object: the authenticator hands out the same
 * frozen object until its credentials change (a token never; a ticket when it is renewed), so
 * the merged headers are built once per credential change, not per request. Frozen, as they
 * are shared by every request that uses them.
 */
const readHeaders = new WeakMap<Readonly<Record<string, string>>, Readonly<Record<string, string>>>();

function headersWithoutBody(auth: Readonly<Record<string, string>>): Record<string, string> {
  let headers = readHeaders.get(auth);
  if (headers === undefined) {
    headers = Object.freeze({ accept: 'application/json', ...auth });
    readHeaders.set(auth, headers);
  }
  return headers as Record<string, string>;
}

function hasParams(params: TransportRequest['params']): boolean {
  // Anything but an object goes to paramPairs, which refuses it.
  if (typeof params !== 'object' || params === null) return true;
  for (const _ in params) return true;
  return false;
}

export function toWire(req: TransportRequest, settings: WireSettings): HttpWire {
  const url = `${settings.pathPrefix}/api2/json${req.path === '/' ? '' : req.path}`;
  // Bodies only on POST and PUT: pveproxy answers 501 to a body on GET or DELETE.
  if (req.method === 'GET' || req.method === 'DELETE') {
    // A call without parameters (most reads) has no query to build.
    const query = hasParams(req.params) ? formEncode(paramPairs(req.params)) : '';
    return {
      url: query === '' ? url : `${url}?${query}`,
      headers: headersWithoutBody(req.headers),
      body: undefined,
    };
  }
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (settings.bodyEncoding === 'json') {
    headers['content-type'] = 'application/json';
    return { url, headers, body: jsonBody(req.params, settings.booleans) };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { url, headers, body: formEncode(paramPairs(req.params)) };
}

/** Parses a response body: JSON when it looks like JSON, else the text. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  // The content type first: a JSON answer (every API call) then skips the look at the text.
  if (contentType?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
