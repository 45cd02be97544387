/**
 * Client-side parameter validation (the opt-in `validate: true`): checks parameters
 * against a method's schema before sending and answers the per-parameter `errors` map the
 * server would give, in PVE's wording (pve-common JSONSchema: check_prop, check_object).
 * It checks the schema's facts: required, type, enum, range, length, pattern, unknown keys,
 * `requires`, numbered keys (`net0`..`net31`) and property strings (`format` objects).
 * Named formats (`pve-vmid`, `ipv4`, ...) are left to the server.
 */

import { PropertyStringError } from '../core/errors.js';
import type { ApiMethod, JsonSchema } from '../generated/schema-types.js';
import { parsePropertyString } from './property-string.js';

export type ValidationErrors = Record<string, string>;
type Value = unknown;

const isInteger = (v: string): boolean => /^[+-]?\d+$/.test(v);
const isNumber = (v: string): boolean => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v);

function addError(errors: ValidationErrors, path: string, msg: string): void {
  const key = path || '_root';
  errors[key] = errors[key] ? `${errors[key]}\n${msg}` : msg;
}

/** The wire text of a scalar: booleans go out as 1/0. */
function text(v: Value): string {
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

function checkType(path: string, type: string | undefined, v: Value, errors: ValidationErrors): boolean {
  if (!type || type === 'any' || type === 'string') return true;
  const t = text(v);
  const ok =
    type === 'boolean'
      ? typeof v === 'boolean' || t === '0' || t === '1'
      : type === 'integer'
        ? (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && isInteger(v))
        : type === 'number'
          ? (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && isNumber(v))
          : true;
  if (!ok) addError(errors, path, `type check ('${type}') failed - got '${t}'`);
  return ok;
}

function compile(s: JsonSchema): RegExp | undefined {
  try {
    return new RegExp(`^(?:${s.pattern})$`, s.patternFlags);
  } catch {
    return undefined;
  }
}

function checkPropertyString(path: string, s: JsonSchema, v: string, errors: ValidationErrors): boolean {
  const format = s.format;
  if (!format || typeof format === 'string') return true;
  let parsed: Record<string, unknown>;
  try {
    parsed = parsePropertyString(v, format);
  } catch (e) {
    const msg = e instanceof PropertyStringError ? e.message : String(e);
    addError(errors, path, `invalid format - ${msg}`);
    return false;
  }
  const inner: ValidationErrors = {};
  checkObject(path, { properties: format, additionalProperties: false }, parsed, inner);
  if (Object.keys(inner).length === 0) return true;
  const lines = Object.entries(inner).map(([k, m]) => `${k}: ${m}`);
  addError(errors, path, `invalid format - format error\n${lines.join('\n')}`);
  return false;
}

/** The first failed check of a scalar, as PVE reports only that one. */
function scalarError(s: JsonSchema, t: string): string | undefined {
  if (s.pattern !== undefined && s.type !== 'boolean') {
    const re = compile(s);
    if (re && !re.test(t)) return 'value does not match the regex pattern';
  }
  if (s.maxLength !== undefined && t.length > s.maxLength)
    return `value may only be ${s.maxLength} characters long`;
  if (s.minLength !== undefined && t.length < s.minLength)
    return `value must be at least ${s.minLength} characters long`;
  if (isNumber(t)) {
    if (s.maximum !== undefined && Number(t) > s.maximum)
      return `value must have a maximum value of ${s.maximum}`;
    if (s.minimum !== undefined && Number(t) < s.minimum)
      return `value must have a minimum value of ${s.minimum}`;
  }
  if (s.enum && !s.enum.some((e) => text(e) === t)) {
    return `value '${t}' does not have a value in the enumeration '${s.enum.map(text).join(', ')}'`;
  }
  return undefined;
}

function checkScalar(path: string, s: JsonSchema, v: Value, errors: ValidationErrors): void {
  if (typeof v === 'string' && !checkPropertyString(path, s, v, errors)) return;
  const msg = scalarError(s, text(v));
  if (msg) addError(errors, path, msg);
}

function checkProp(path: string, s: JsonSchema, v: Value, errors: ValidationErrors): void {
  if (v === undefined || v === null) {
    if (!s.optional && !s.alias && s.type !== 'null')
      addError(errors, path, 'property is missing and it is not optional');
    return;
  }
  if (Array.isArray(v)) {
    if (s.type !== 'array') {
      // Repeated keys on the wire: each item must fit the schema.
      v.forEach((item) => {
        checkProp(path, s, item, errors);
      });
      return;
    }
    v.forEach((item, i) => {
      if (s.items) checkProp(`${path}[${i}]`, s.items, item, errors);
    });
    return;
  }
  if (s.type === 'array') {
    if (s.items) checkProp(path, s.items, v, errors);
    return;
  }
  if (typeof v === 'object') {
    addError(errors, path, `type check ('${s.type ?? 'string'}') failed`);
    return;
  }
  if (!checkType(path, s.type, v, errors)) return;
  checkScalar(path, s, v, errors);
}

/** The schema of a key, counting numbered ones: `net5` -> `net[n]` when 5 <= max. */
function schemaOf(props: Readonly<Record<string, JsonSchema>>, key: string): JsonSchema | undefined {
  const direct = props[key];
  if (direct && !direct.numbered) return direct;
  const m = /^(.*?)(\d+)$/.exec(key);
  if (!m) return undefined;
  const s = props[`${m[1]}[n]`];
  if (!s?.numbered) return undefined;
  const max = s.numbered.max;
  return max === undefined || Number(m[2]) <= max ? s : undefined;
}

function checkObject(
  path: string,
  s: JsonSchema,
  value: Record<string, Value>,
  errors: ValidationErrors,
  skip?: ReadonlySet<string>,
): void {
  const props = s.properties ?? {};
  const sub = (k: string) => (path ? `${path}.${k}` : k);
  for (const [k, ps] of Object.entries(props)) {
    if (ps.numbered || skip?.has(k)) continue;
    checkProp(sub(k), ps, value[k], errors);
  }
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    const ps = schemaOf(props, k);
    if (ps) {
      if (ps.numbered) checkProp(sub(k), ps, v, errors);
      if (ps.requires && (value[ps.requires] === undefined || value[ps.requires] === null)) {
        addError(errors, sub(ps.requires), `missing property - '${sub(k)}' requires this property`);
      }
      continue;
    }
    // PVE's check_object refuses unknown keys only when the schema says so explicitly
    // (property strings pass `false`); 31 PVE SDN methods leave it unset.
    if (s.additionalProperties === true || s.additionalProperties === undefined) continue;
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      checkProp(sub(k), s.additionalProperties, v, errors);
      continue;
    }
    addError(
      errors,
      sub(k),
      'property is not defined in schema and the schema does not allow additional properties',
    );
  }
}

/**
 * Checks `params` against `method`'s parameter schema. Path parameters (`{node}` in the
 * method's path) are checked only when present, since fluent calls carry them in the path.
 * Returns the errors by parameter name, or undefined when the parameters are valid.
 */
export function validateParams(
  method: ApiMethod,
  params: Readonly<Record<string, unknown>> | undefined,
): ValidationErrors | undefined {
  const schema = method.parameters;
  const value = { ...(params ?? {}) };
  const errors: ValidationErrors = {};
  if (schema) {
    const pathParams = new Set([...method.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ''));
    const absent = new Set([...pathParams].filter((p) => value[p] === undefined));
    checkObject('', schema, value, errors, absent);
  } else {
    for (const k of Object.keys(value)) {
      addError(
        errors,
        k,
        'property is not defined in schema and the schema does not allow additional properties',
      );
    }
  }
  return Object.keys(errors).length ? errors : undefined;
}
