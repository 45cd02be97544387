/**
 * JsonSchema -> TypeScript type expression. Parameters and results differ on purpose:
 * a parameter boolean accepts `boolean | 0 | 1` (the SDK encodes it), a result boolean is
 * what the server sends (`0 | 1` on PVE/PMG, `boolean` on PBS/PDM); results allow keys the
 * schema does not list unless it says `additionalProperties: false`, parameters only when
 * it says `additionalProperties: true`.
 */
import { propertyKey } from './names.js';
import type { JsonSchema } from './schema-model.js';

export interface TypeContext {
  direction: 'param' | 'result';
  /** How the service sends booleans in results. */
  booleans: 'int' | 'bool';
}

const literal = (v: unknown): string => JSON.stringify(v);

function union(parts: string[]): string {
  const uniq = [...new Set(parts)];
  return uniq.length ? uniq.join(' | ') : 'never';
}

function arrayOf(t: string, ctx: TypeContext): string {
  const inner = / [|&] /.test(t) && !t.startsWith('{') ? `(${t})` : t;
  return ctx.direction === 'param' ? `readonly ${inner}[]` : `${inner}[]`;
}

/** Facts worth a JSDoc line on a parameter: format, range, default, length, numbered range. */
export function factsDoc(s: JsonSchema): string | undefined {
  const parts: string[] = [];
  if (typeof s.format === 'string') parts.push(`format ${s.format}`);
  else if (s.format)
    parts.push(
      `property string: ${Object.keys(s.format)
        .filter((k) => !s.format || typeof s.format === 'string' || !s.format[k]?.alias)
        .join(', ')}`,
    );
  if (s.formatList) parts.push('comma-separated list');
  if (s.minimum !== undefined || s.maximum !== undefined)
    parts.push(`range ${s.minimum ?? ''}..${s.maximum ?? ''}`);
  if (s.minLength !== undefined || s.maxLength !== undefined)
    parts.push(`length ${s.minLength ?? 0}..${s.maxLength ?? ''}`);
  if (s.default !== undefined) parts.push(`default ${literal(s.default)}`);
  if (s.requires) parts.push(`requires ${s.requires}`);
  if (s.numbered) parts.push(`keys ${s.numbered.prefix}0..${s.numbered.prefix}${s.numbered.max ?? 'N'}`);
  return parts.length ? parts.join('; ').replace(/\*\//g, '*\\/') : undefined;
}

/** A property string whose key-less value is a number (PVE 9 `memory: '[current=]<integer>'`) takes a number too. */
function numericDefaultKey(s: JsonSchema): boolean {
  if (!s.format || typeof s.format === 'string') return false;
  return Object.values(s.format).some((p) => p.default_key && (p.type === 'integer' || p.type === 'number'));
}

export function typeExpr(s: JsonSchema | undefined, ctx: TypeContext, indent = ''): string {
  if (!s) return 'unknown';
  if (s.oneOf?.length) return union(s.oneOf.map((v) => typeExpr(v, ctx, indent)));
  if (Array.isArray(s.enum) && s.enum.length) return union(s.enum.map(literal));
  switch (s.type) {
    case 'string':
      return ctx.direction === 'param' && numericDefaultKey(s) ? 'string | number' : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      if (ctx.direction === 'param') return 'Bool';
      return ctx.booleans === 'int' ? '0 | 1' : 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return arrayOf(s.items ? typeExpr(s.items, ctx, indent) : 'unknown', ctx);
    case 'object':
      return objectExpr(s, ctx, indent);
    default:
      return s.properties ? objectExpr(s, ctx, indent) : 'unknown';
  }
}

function allowsMore(s: JsonSchema, ctx: TypeContext): boolean {
  return ctx.direction === 'param' ? s.additionalProperties === true : s.additionalProperties !== false;
}

/** The member lines of an object type (without braces), each ending in `;`. */
export function objectMembers(
  s: JsonSchema,
  ctx: TypeContext,
  indent: string,
  omit: ReadonlySet<string> = new Set(),
): string[] {
  const lines: string[] = [];
  let hasNumbered = false;
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (omit.has(key)) continue;
    const doc = ctx.direction === 'param' ? factsDoc(prop) : undefined;
    if (doc) lines.push(`${indent}/** ${doc} */`);
    if (prop.numbered) {
      hasNumbered = true;
      const orUndefined = ctx.direction === 'param' ? ' | undefined' : '';
      lines.push(
        `${indent}[key: \`${prop.numbered.prefix}\${number}\`]: ${typeExpr(prop, ctx, indent)}${orUndefined};`,
      );
      continue;
    }
    const opt = prop.optional ? '?' : '';
    // An optional parameter may be given as undefined: the SDK leaves it out (users with
    // exactOptionalPropertyTypes can pass `{ name: maybeName }`).
    const orUndefined = prop.optional && ctx.direction === 'param' ? ' | undefined' : '';
    lines.push(`${indent}${propertyKey(key)}${opt}: ${typeExpr(prop, ctx, indent)}${orUndefined};`);
  }
  const ap = s.additionalProperties;
  if (ap && typeof ap === 'object' && !s.properties && !hasNumbered) {
    lines.push(`${indent}[key: string]: ${typeExpr(ap, ctx, indent)};`);
  } else if (allowsMore(s, ctx) || (ap && typeof ap === 'object')) {
    lines.push(`${indent}[key: string]: unknown;`);
  }
  return lines;
}

function objectExpr(s: JsonSchema, ctx: TypeContext, indent: string): string {
  if (!s.properties || Object.keys(s.properties).length === 0) {
    const ap = s.additionalProperties;
    if (ap && typeof ap === 'object') return `Record<string, ${typeExpr(ap, ctx, indent)}>`;
    return 'Record<string, unknown>';
  }
  const inner = `${indent}  `;
  return `{\n${objectMembers(s, ctx, inner).join('\n')}\n${indent}}`;
}

/** Whether an object schema has a property that must be given (numbered ones never must). */
export function hasRequired(s: JsonSchema | undefined, omit: ReadonlySet<string> = new Set()): boolean {
  return Object.entries(s?.properties ?? {}).some(([k, p]) => !omit.has(k) && !p.optional && !p.numbered);
}
