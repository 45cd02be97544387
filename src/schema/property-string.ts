/**
 * Property strings: the comma lists Proxmox packs into one parameter, e.g.
 * `net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1'`. Driven by the parameter's
 * `format` sub-schema from the generated schema table: the default key may be written
 * without `key=`, booleans travel as 1/0, lists inside a value are joined with `;`, and a
 * key alias (`virtio=MAC` meaning `model=virtio,macaddr=MAC`) is understood both ways.
 * Parsing follows PVE's JSONSchema (`parse_property_string`) and its error texts.
 * For types per parameter, see `propertyString()` in src/typed/property-strings.ts.
 */
import { PropertyStringError } from '../core/errors.js';
import type { JsonSchema } from '../generated/schema-types.js';

/** The keys of a property string: a parameter schema's `format` object. */
export type PropertyFormat = Readonly<Record<string, JsonSchema>>;
export type PropertyScalar = string | number | boolean;
export type PropertyInput = Readonly<
  Record<string, PropertyScalar | readonly PropertyScalar[] | null | undefined>
>;
export type PropertyValue = string | number | boolean | string[];
export type PropertyObject = Record<string, PropertyValue>;

/**
 * Accepts a format record, or a parameter schema carrying one in `format`. A parameter
 * schema has a string `type`; in a format record every value is a schema object (a record
 * may well have a key named `type`, like PBS's maintenance mode).
 */
function formatOf(f: PropertyFormat | JsonSchema | undefined): PropertyFormat | undefined {
  if (!f) return undefined;
  const maybe = f as JsonSchema;
  if (typeof maybe.type === 'string') return typeof maybe.format === 'object' ? maybe.format : undefined;
  return f as PropertyFormat;
}

function defaultKeyOf(format: PropertyFormat | undefined): string | undefined {
  if (!format) return undefined;
  return Object.keys(format).find((k) => format[k]?.default_key === true);
}

function scalarText(key: string, v: PropertyScalar): string {
  const text = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  if (text.includes(',')) throw new PropertyStringError(`value of '${key}' contains a comma: '${text}'`);
  return text;
}

function valueText(key: string, v: PropertyScalar | readonly PropertyScalar[]): string {
  if (Array.isArray(v)) return (v as readonly PropertyScalar[]).map((x) => scalarText(key, x)).join(';');
  return scalarText(key, v as PropertyScalar);
}

/**
 * Builds `key=value,...` from an object. The default key comes first and bare; with a key
 * alias (`model` + `macaddr` on a NIC) the pair is written `virtio=MAC`. Other keys follow
 * in the format's order (input order without a format); `undefined`/`null` are left out.
 */
export function formatPropertyString<T extends object = PropertyInput>(
  input: T,
  format?: PropertyFormat | JsonSchema,
): string {
  const value = input as PropertyInput;
  const f = formatOf(format);
  const present = Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== null);
  if (f) {
    const unknown = present.filter((k) => !f[k]);
    if (unknown.length)
      throw new PropertyStringError(`invalid key in comma-separated list property: ${unknown[0]}`);
  }
  const parts: string[] = [];
  const done = new Set<string>();
  const aliasEntry = f
    ? Object.entries(f).find(
        ([, s]) => s.alias && s.keyAlias && present.includes(s.alias) && present.includes(s.keyAlias),
      )
    : undefined;
  if (aliasEntry) {
    const [, s] = aliasEntry;
    const keyAlias = s.keyAlias!;
    const alias = s.alias!;
    const name = String(value[keyAlias]);
    if (f?.[name]?.alias === alias) {
      parts.push(`${name}=${valueText(alias, value[alias]!)}`);
      done.add(keyAlias).add(alias);
    }
  }
  const dk = defaultKeyOf(f);
  if (dk && !done.has(dk) && present.includes(dk)) {
    const text = valueText(dk, value[dk]!);
    parts.push(text.includes('=') ? `${dk}=${text}` : text);
    done.add(dk);
  }
  const order = f ? Object.keys(f).filter((k) => present.includes(k)) : present;
  for (const k of order) {
    if (done.has(k)) continue;
    parts.push(`${k}=${valueText(k, value[k]!)}`);
  }
  return parts.join(',');
}

function parseBoolean(v: string): boolean | undefined {
  if (/^(1|on|yes|true)$/i.test(v)) return true;
  if (/^(0|off|no|false)$/i.test(v)) return false;
  return undefined;
}

function typed(v: string, s: JsonSchema | undefined): PropertyValue {
  switch (s?.type) {
    case 'boolean':
      return parseBoolean(v) ?? v;
    case 'integer':
    case 'number':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : v;
    case 'array':
      return v.split(';');
    default:
      return v;
  }
}

/**
 * Parses `key=value,...` into an object, typed by the format when given (numbers, booleans
 * from 1/0/on/off/yes/no/true/false, `;` lists for array keys). Throws PropertyStringError
 * with PVE's wording for a duplicate, unknown or missing key.
 */
export function parsePropertyString<T extends object = PropertyObject>(
  text: string,
  format?: PropertyFormat | JsonSchema,
): T {
  const f = formatOf(format);
  const dk = defaultKeyOf(f);
  const out: PropertyObject = {};
  for (const part of text.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const m = /^([^=]+)=(.+)$/.exec(part);
    if (m) {
      let key = m[1]!;
      if (Object.hasOwn(out, key))
        throw new PropertyStringError(`duplicate key in comma-separated list property: ${key}`);
      let s = f?.[key];
      if (s?.alias) {
        if (s.keyAlias) {
          if (Object.hasOwn(out, s.keyAlias))
            throw new PropertyStringError(`key alias '${s.keyAlias}' is already defined`);
          out[s.keyAlias] = key;
        }
        key = s.alias;
        s = f?.[key];
      }
      if (f && !s) throw new PropertyStringError(`invalid key in comma-separated list property: ${key}`);
      out[key] = typed(m[2]!, s);
    } else if (!part.includes('=')) {
      if (!dk) throw new PropertyStringError('value without key, but schema does not define a default key');
      if (Object.hasOwn(out, dk))
        throw new PropertyStringError(`duplicate key in comma-separated list property: ${dk}`);
      out[dk] = typed(part, f?.[dk]);
    } else {
      throw new PropertyStringError('missing key in comma-separated list property');
    }
  }
  // T is the caller's claim (a generated `...Format` interface): the values were typed by the format.
  return out as T;
}
