/**
 * Parameter and path encoding as Proxmox expects it (PROTOCOL.md "Requests"):
 * booleans as 1/0, arrays as repeated keys, undefined/null left out, one path segment per id.
 */
import { InvalidArgumentError } from './errors.js';
import type { ParamScalar, Params } from './types.js';

function scalarText(key: string, value: ParamScalar): string {
  switch (typeof value) {
    case 'boolean':
      return value ? '1' : '0';
    case 'number':
      if (!Number.isFinite(value))
        throw new InvalidArgumentError(`parameter ${key}: ${value} is not a finite number`);
      return String(value);
    case 'string':
      return value;
    default:
      throw new InvalidArgumentError(
        `parameter ${key}: expected a string, number, boolean or an array of them, got ${describe(value)}`,
      );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Flattens parameters into ordered key/value pairs; arrays become repeated keys. */
export function paramPairs(params: Params | undefined): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (params === undefined) return pairs;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new InvalidArgumentError(`parameters: expected an object, got ${describe(params)}`);
  }
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) pairs.push([key, scalarText(key, item)]);
    } else {
      pairs.push([key, scalarText(key, value as ParamScalar)]);
    }
  }
  return pairs;
}

/** encodeURIComponent, with a typed error for text that is not valid Unicode (a lone surrogate). */
function percentEncode(text: string, what: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    throw new InvalidArgumentError(`${what}: contains a lone surrogate, which is not valid Unicode`);
  }
}

/** `a=1&b=x%20y`: percent-encoding that Proxmox's form and query parsers decode alike. */
export function formEncode(pairs: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of pairs) {
    if (out !== '') out += '&';
    out += percentEncode(key, `parameter ${key}`) + '=' + percentEncode(value, `parameter ${key}`);
  }
  return out;
}

/**
 * A JSON body. PVE and PMG schemas type booleans as integers, so they travel as 1/0 there;
 * PBS and PDM take JSON true/false.
 */
export function jsonBody(params: Params | undefined, booleans: 'int' | 'bool'): string {
  // No prototype: a parameter named `__proto__` is then a key like any other, not a setter
  // that would drop it silently (form bodies send it; JSON must too).
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    const convert = (v: ParamScalar) => {
      scalarText(key, v);
      return typeof v === 'boolean' && booleans === 'int' ? (v ? 1 : 0) : v;
    };
    out[key] = Array.isArray(value) ? value.map(convert) : convert(value as ParamScalar);
  }
  return JSON.stringify(out);
}

/**
 * One path segment from a caller's id. Refuses what would change the path's meaning
 * (empty, `.`, `..`) and anything that is not a string or a finite number.
 */
export function encodeSegment(id: unknown): string {
  if (typeof id === 'number') {
    if (!Number.isFinite(id)) throw new InvalidArgumentError(`path segment: ${id} is not a valid id`);
    return String(id);
  }
  if (typeof id !== 'string') {
    throw new InvalidArgumentError(`path segment: expected a string or number id, got ${describe(id)}`);
  }
  if (id === '' || id === '.' || id === '..') {
    throw new InvalidArgumentError(`path segment: '${id}' is not allowed as an id`);
  }
  return percentEncode(id, 'path segment');
}
