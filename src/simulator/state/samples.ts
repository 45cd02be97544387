/**
 * Deterministic values that satisfy a schema: answers for methods the simulator has no
 * state for (shape-correct, from `returns`), and valid parameters for the conformance walk.
 */
import type { JsonSchema } from '../../generated/schema-types.js';
import { formatSample } from '../engine/formats.js';
import { checkValue } from '../engine/validate.js';

/** Candidates tried against a pattern, by parameter name first, then in general. */
const NAMED: Record<string, string> = {
  node: 'pve1',
  vmid: '100',
  storage: 'local',
  store: 'store1',
  datastore: 'store1',
  userid: 'root@pam',
  'auth-id': 'root@pam',
  realm: 'pam',
  pool: 'production',
  groupid: 'operators',
  roleid: 'PVEAuditor',
  tokenid: 'ci',
  iface: 'vmbr0',
  digest: '0000000000000000000000000000000000000000000000000000000000000000',
  fingerprint:
    '00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00',
  'backup-type': 'vm',
  'backup-id': '100',
  'backup-time': '1700000000',
  ns: 'ns1',
  remote: 'remote1',
  upid: 'UPID:pve1:00001000:002A3B4C:6740A1B2:qmstart:100:root@pam:',
};

const GENERAL = [
  'sample',
  'sample1',
  'test',
  'a1',
  'abc',
  '100',
  '1',
  '0',
  'local',
  'pve1',
  'example.com',
  'root@pam',
  'root@pam!ci',
  'admin@example.com',
  '192.0.2.10',
  '192.0.2.0/24',
  'BC:24:11:00:00:01',
  '00000000-0000-4000-8000-000000000000',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '2026-01-01T00:00:00Z',
  'vm/100/2026-01-01T00:00:00Z',
  'vm/100',
  'ns1',
  'daily',
  '/',
  '/sample',
  'https://example.com',
  '0x0000000000000000',
  '0000:00:00.0',
  '0000:00',
  'text',
  '/dev/sda',
  'sda',
  '1_1',
  'C1R1T1',
  '12:00',
  'pmg-backup_2026_01_01.tgz',
  'pmgc-0123456789',
  '1af4:1000',
  '100-0',
  'pve1c-0123456789',
  'docker.io/library/debian:12',
  'UPID:pve1:00001000:002A3B4C:00000000:6740A1B2:sample:id:root@pam:',
  'UPID:pve1:00001000:002A3B4C:6740A1B2:sample:id:root@pam:',
];

function numberSample(schema: JsonSchema): number {
  if (typeof schema.default === 'number' && checkValue(schema, String(schema.default), false) === undefined)
    return schema.default;
  if (schema.minimum !== undefined) return schema.minimum;
  if (schema.maximum !== undefined) return Math.min(1, schema.maximum);
  return 1;
}

function propertyStringSample(format: Record<string, JsonSchema>, name: string): string {
  const parts: string[] = [];
  for (const [key, sub] of Object.entries(format)) {
    if (sub.alias || (sub.optional ?? false) || sub.default !== undefined) continue;
    const value = String(wireSample(sub, key));
    parts.push(sub.default_key ? value : `${key}=${value}`);
  }
  const bare = parts.filter((p) => !p.includes('='));
  return [...bare, ...parts.filter((p) => p.includes('='))].join(',') || (name === '' ? 'sample' : '');
}

export function stringSample(schema: JsonSchema, name = ''): string {
  if (schema.enum && schema.enum.length > 0) return String(schema.enum[0]);
  if (typeof schema.format === 'string') {
    const sample = formatSample(schema.format);
    if (sample !== undefined) return sample;
  }
  if (schema.format && typeof schema.format === 'object') return propertyStringSample(schema.format, name);
  if (schema.formatList?.items) return stringSample(schema.formatList.items, name);
  const named = NAMED[name];
  const candidates = named === undefined ? GENERAL : [named, ...GENERAL];
  for (const candidate of candidates)
    if (checkValue({ ...schema, type: 'string' }, candidate, false) === undefined) return candidate;
  const repeat = /\{(\d+),\d*\}/.exec(schema.pattern ?? '')?.[1];
  if (repeat !== undefined) {
    const candidate = 'a'.repeat(Number(repeat));
    if (checkValue({ ...schema, type: 'string' }, candidate, false) === undefined) return candidate;
  }
  const min = schema.minLength ?? 1;
  return 'a'.repeat(Math.max(1, Math.min(min, 1024)));
}

/** A value as a client would send it (strings; booleans as `1`). */
export function wireSample(schema: JsonSchema, name = ''): string {
  switch (schema.type) {
    case 'boolean':
      return '1';
    case 'integer':
    case 'number':
      return String(numberSample(schema));
    case 'array':
      return schema.items ? wireSample(schema.items, name) : 'sample';
    default:
      return stringSample(schema, name);
  }
}

export interface AnswerStyle {
  /** PVE and PMG send booleans as 0/1, PBS and PDM as true/false. */
  intBooleans: boolean;
  /** How deep nested objects and arrays are filled; deeper levels come back empty. */
  depth?: number;
}

/** A deterministic answer of the schema's shape, with every declared property present. */
export function answerSample(
  schema: JsonSchema | undefined,
  style: AnswerStyle,
  name = '',
  depth = 0,
): unknown {
  if (!schema) return null;
  const limit = style.depth ?? 12;
  switch (schema.type) {
    case 'null':
    case undefined:
      return schema.properties ? answerSample({ ...schema, type: 'object' }, style, name, depth) : null;
    case 'boolean': {
      const value =
        schema.default === undefined ? false : Boolean(Number(schema.default) || schema.default === true);
      return style.intBooleans ? Number(value) : value;
    }
    case 'integer':
    case 'number':
      return numberSample(schema);
    case 'string':
      return stringSample(schema, name);
    case 'array':
      return depth >= limit || !schema.items ? [] : [answerSample(schema.items, style, name, depth + 1)];
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth >= limit) return out;
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (key.endsWith('[n]')) continue;
        out[key] = answerSample(sub, style, key, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}
