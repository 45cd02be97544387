/**
 * An independent check of an answer against a `returns` schema: types, required
 * properties, enums, array items. Booleans may be 0/1 on PVE and PMG.
 */
import type { JsonSchema } from '../../../src/generated/schema-types.js';

export function shapeErrors(
  value: unknown,
  schema: JsonSchema | undefined,
  intBooleans: boolean,
  at = '$',
): string[] {
  if (!schema || schema.type === undefined || schema.type === 'null' || schema.type === 'any') return [];
  if (value === null || value === undefined) return schema.optional ? [] : [`${at}: missing`];
  if (schema.enum && !schema.enum.map(String).includes(String(value)))
    return [`${at}: ${String(value)} not in enum`];
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: expected string, got ${typeof value}`];
    case 'integer':
      // PVE and PMG send some integers as strings (`/cluster/nextid`, vmids in some lists).
      if (intBooleans && typeof value === 'string' && /^-?\d+$/.test(value)) return [];
      return Number.isInteger(value) ? [] : [`${at}: expected integer, got ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected number, got ${typeof value}`];
    case 'boolean':
      if (typeof value === 'boolean') return [];
      return intBooleans && (value === 0 || value === 1)
        ? []
        : [`${at}: expected boolean, got ${JSON.stringify(value)}`];
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: expected array`];
      return value.flatMap((item, i) => shapeErrors(item, schema.items, intBooleans, `${at}[${i}]`));
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected object`];
      const record = value as Record<string, unknown>;
      const errors: string[] = [];
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (key.endsWith('[n]')) continue;
        if (record[key] === undefined) {
          if (!prop.optional) errors.push(`${at}.${key}: required property missing`);
          continue;
        }
        errors.push(...shapeErrors(record[key], prop, intBooleans, `${at}.${key}`));
      }
      return errors;
    }
    default:
      return [];
  }
}
