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

export function toWire(req: TransportRequest, settings: WireSettings): HttpWire {
  const url = `${settings.pathPrefix}/api2/json${req.path === '/' ? '' : req.path}`;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  // Bodies only on POST and PUT: pveproxy answers 501 to a body on GET or DELETE.
  if (req.method === 'GET' || req.method === 'DELETE') {
    const query = formEncode(paramPairs(req.params));
    return { url: query === '' ? url : `${url}?${query}`, headers, body: undefined };
  }
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
  // biome-ignore lint/complexity/useOptionalChain: the CommonJS build makes `?.` an allocating helper call, per answer
  if ((contentType !== undefined && contentType.includes('json')) || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
