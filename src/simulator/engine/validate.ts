/**
 * Parameter verification against a method's schema, with PVE's messages: every problem
 * goes into a per-parameter map that becomes 400 "Parameter verification failed.".
 */
import type { JsonSchema } from '../../generated/schema-types.js';
import { checkFormat } from './formats.js';
import { matchesPattern } from './safe-regex.js';
import type { SimParams } from './types.js';

/**
 * pve-common src/PVE/JSONSchema.pm check_type: a top-level boolean parameter is `1` or `0`
 * (JSON true/false only inside a JSON body, which parse-request turns into 1/0); the words
 * are refused. Property strings (parse_property_string) and the Rust servers
 * (proxmox-schema parse_boolean) accept the words, case-insensitively.
 */
const PERL_BOOLEAN = /^(0|1)$/;
const BOOLEAN_WORDS = /^(0|1|true|false|yes|no|on|off)$/i;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function typeOf(schema: JsonSchema): string {
  return Array.isArray(schema.type) ? String(schema.type[0]) : (schema.type ?? 'string');
}

/** Checks one scalar value (as the wire carries it, a string); returns the error text. */
export function checkValue(
  schema: JsonSchema,
  value: string,
  lenient = true,
  strictBooleans = false,
): string | undefined {
  const type = typeOf(schema);
  if (schema.enum && !schema.enum.map(String).includes(value)) {
    // Booleans in enums are rare; integers in enums compare as text, as the servers do.
    return `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
  }
  switch (type) {
    case 'boolean':
      if (!(strictBooleans ? PERL_BOOLEAN : BOOLEAN_WORDS).test(value))
        return strictBooleans
          ? `type check ('boolean') failed - got '${value}'`
          : 'Unable to parse boolean option.';
      return undefined;
    case 'integer':
    case 'number': {
      if (!(type === 'integer' ? INTEGER : NUMBER).test(value))
        return `type check ('${type}') failed - got '${value}'`;
      const n = Number(value);
      if (schema.minimum !== undefined && n < schema.minimum)
        return `value must have a minimum value of ${schema.minimum}`;
      if (schema.maximum !== undefined && n > schema.maximum)
        return `value must have a maximum value of ${schema.maximum}`;
      return undefined;
    }
    case 'string':
      return checkString(schema, value, lenient);
    default:
      return undefined;
  }
}

function checkString(schema: JsonSchema, value: string, lenient: boolean): string | undefined {
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    return `value may only be ${schema.maxLength} characters long`;
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    return `value must be at least ${schema.minLength} characters long`;
  }
  if (schema.pattern) {
    if (!matchesPattern(schema.pattern, schema.patternFlags ?? '', value, lenient))
      return 'value does not match the regex pattern';
  }
  if (typeof schema.format === 'string') return checkFormat(schema.format, value);
  if (schema.format && typeof schema.format === 'object') return checkPropertyString(schema.format, value);
  if (schema.formatList?.items) {
    for (const item of value.split(/[,;\s]+/).filter((p) => p !== '')) {
      const error = checkValue(schema.formatList.items, item, lenient);
      if (error) return error;
    }
  }
  return undefined;
}

/** `key=value,key=value` with an optional key-less first value (`default_key`). */
export function parsePropertyString(
  format: Record<string, JsonSchema>,
  value: string,
): { entries: Map<string, string>; error?: string } {
  const entries = new Map<string, string>();
  const defaultKey = Object.entries(format).find(([, s]) => s.default_key)?.[0];
  for (const part of value.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? defaultKey : part.slice(0, eq);
    if (key === undefined)
      return {
        entries,
        error: `invalid format - value without key, but schema does not define a default key`,
      };
    if (entries.has(key))
      return { entries, error: `invalid format - duplicate key in comma-separated list property: ${key}` };
    entries.set(key, eq < 0 ? part : part.slice(eq + 1));
  }
  return { entries };
}

function checkPropertyString(format: Record<string, JsonSchema>, value: string): string | undefined {
  const { entries, error } = parsePropertyString(format, value);
  if (error) return error;
  const present = new Set<string>();
  for (const [key, text] of entries) {
    let schema = format[key];
    if (!schema)
      return `invalid format - property is not defined in schema and the schema does not allow additional properties: ${key}`;
    present.add(key);
    if (schema.alias) {
      present.add(schema.alias);
      if (schema.keyAlias) present.add(schema.keyAlias);
      schema = format[schema.alias] ?? {};
    }
    const problem = checkValue(schema, text);
    if (problem) return `invalid format - ${key}: ${problem}`;
  }
  for (const [key, schema] of Object.entries(format)) {
    if (!schema.alias && !schema.optional && schema.default === undefined && !present.has(key)) {
      return `invalid format - property is missing and it is not optional: ${key}`;
    }
  }
  return undefined;
}

/** The schema of a parameter, also for numbered ones (`net0` for `net[n]`). */
export function propertyFor(properties: Record<string, JsonSchema>, key: string): JsonSchema | undefined {
  // Own keys only: `constructor` or `toString` are not parameters of any method.
  const direct = Object.hasOwn(properties, key) ? properties[key] : undefined;
  if (direct) return direct;
  const match = /^([a-z_-]+?)(\d+)$/i.exec(key);
  if (!match) return undefined;
  const numberedKey = `${match[1]}[n]`;
  const numbered = Object.hasOwn(properties, numberedKey) ? properties[numberedKey] : undefined;
  if (!numbered) return undefined;
  const max = numbered.numbered?.max;
  return max === undefined || Number(match[2]) <= max ? numbered : undefined;
}

/**
 * Per-parameter errors; empty when the parameters pass. `perl`: PVE and PMG (pve-common
 * JSONSchema.pm), where top-level booleans are only 1/0; otherwise the Rust servers' rules.
 */
export function validateParams(
  schema: JsonSchema | undefined,
  params: SimParams,
  perl = true,
): Record<string, string> {
  // No prototype: an unknown parameter named `__proto__` must still get its own entry.
  const errors = Object.create(null) as Record<string, string>;
  const properties = schema?.properties ?? {};
  const closed = schema?.additionalProperties === false;
  for (const [key, raw] of Object.entries(params)) {
    const prop = propertyFor(properties, key);
    if (!prop) {
      if (closed)
        errors[key] = perl
          ? 'property is not defined in schema and the schema does not allow additional properties'
          : 'schema does not allow additional properties.';
      continue;
    }
    const type = typeOf(prop);
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length > 1 && type !== 'array') {
      // check_type sees a Perl array where a scalar belongs; proxmox-schema names the duplicate.
      errors[key] = perl ? `type check ('${type}') failed - got ARRAY` : 'duplicate parameter.';
      continue;
    }
    const itemSchema = type === 'array' ? (prop.items ?? { type: 'string' }) : prop;
    for (const value of values) {
      const error = checkValue(itemSchema, value, true, perl);
      if (error) {
        errors[key] = error;
        break;
      }
    }
    if (prop.requires && !Object.hasOwn(params, prop.requires) && errors[key] === undefined) {
      errors[key] = `missing property - '${key}' requires this property`;
    }
  }
  for (const [key, prop] of Object.entries(properties)) {
    if (prop.optional || key.endsWith('[n]') || Object.hasOwn(params, key)) continue;
    // proxmox-schema do_parse_parameter_strings words it with a full stop.
    errors[key] = perl
      ? 'property is missing and it is not optional'
      : 'parameter is missing and it is not optional.';
  }
  return errors;
}

/**
 * pve-common src/PVE/RESTHandler.pm normalize_legacy_param_formats: a repeated key of a
 * string parameter with a `-list` format is joined with `,` before validation
 * (`-delete name -delete ostype` is `delete=name,ostype`). Changes `params` in place.
 */
export function joinListParams(schema: JsonSchema | undefined, params: SimParams): void {
  const properties = schema?.properties ?? {};
  for (const [key, raw] of Object.entries(params)) {
    if (!Array.isArray(raw)) continue;
    const prop = propertyFor(properties, key);
    if (prop && typeOf(prop) === 'string' && typeof prop.format === 'string' && prop.format.endsWith('-list'))
      params[key] = raw.join(',');
  }
}
