/**
 * Stored configuration is text (as in PVE's config files); answers carry JSON types as
 * the method's `returns` says: numbers as numbers, booleans as 0/1 (PVE, PMG) or
 * true/false (PBS, PDM).
 */
import type { JsonSchema } from '../../generated/schema-types.js';
import { propertyFor } from './validate.js';

export function typedValue(schema: JsonSchema | undefined, value: string, intBooleans: boolean): unknown {
  switch (schema?.type) {
    case 'integer':
    case 'number':
      return value.trim() === '' || Number.isNaN(Number(value)) ? value : Number(value);
    case 'boolean': {
      const on = /^(1|true|yes|on)$/i.test(value);
      return intBooleans ? Number(on) : on;
    }
    default:
      return value;
  }
}

/** Types every value of a record by the object schema's properties (numbered ones too). */
export function typedRecord(
  record: Record<string, string>,
  schema: JsonSchema | undefined,
  intBooleans: boolean,
): Record<string, unknown> {
  const properties = schema?.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    out[key] = typedValue(propertyFor(properties, key), value, intBooleans);
  return out;
}

/**
 * Makes a hand-built answer match the method's `returns`: required properties that a
 * handler did not fill get a sample value, text where a number is declared is converted.
 * Long lists (benchmark datasets) are trusted as built.
 */
export function conform(
  value: unknown,
  schema: JsonSchema | undefined,
  intBooleans: boolean,
  sample: (schema: JsonSchema, name: string) => unknown,
): unknown {
  if (!schema || value === null || value === undefined) return value;
  if (schema.type === 'array' && Array.isArray(value)) {
    if (value.length === 0 || !schema.items) return value;
    // Hand-built lists are uniform: when the first item needs nothing, neither do the rest.
    const first = conform(value[0], schema.items, intBooleans, sample);
    if (JSON.stringify(first) === JSON.stringify(value[0])) return value;
    return value.map((item) => conform(item, schema.items, intBooleans, sample));
  }
  if (schema.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const record = { ...(value as Record<string, unknown>) };
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      if (key.endsWith('[n]')) continue;
      if (record[key] === undefined || record[key] === null) {
        if (!prop.optional) record[key] = sample(prop, key);
      } else {
        record[key] = conform(record[key], prop, intBooleans, sample);
      }
    }
    return record;
  }
  if (
    typeof value === 'string' &&
    (schema.type === 'integer' || schema.type === 'number' || schema.type === 'boolean')
  ) {
    return typedValue(schema, value, intBooleans);
  }
  if (typeof value === 'boolean' && schema.type === 'boolean' && intBooleans) return Number(value);
  if (typeof value === 'number' && schema.type === 'string') return String(value);
  return value;
}
