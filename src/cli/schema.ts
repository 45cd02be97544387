/**
 * What the CLI reads off the schema tree beyond the SDK's lookup (src/schema/lookup.ts
 * loads the tables and finds a path's node): pvesh's verbs, capabilities and child names.
 */

import { VERBS } from '../client/path.js';
import type { HttpMethod, SchemaNode } from '../generated/schema-types.js';

const paramName = (segment: string) => /^\{([^}]+)\}$/.exec(segment)?.[1];

/** The `{param}` child of a node, if its children are named by a parameter. */
export function variableChild(node: SchemaNode): { child: SchemaNode; param: string } | undefined {
  for (const child of node.children) {
    const param = paramName(child.segment);
    if (param !== undefined) return { child, param };
  }
  return undefined;
}

/** The CLI's verbs (pvesh's four) and their HTTP methods, from the SDK's verb table. */
export const VERB_METHODS: Readonly<Record<string, HttpMethod>> = Object.fromEntries(
  (['get', 'set', 'create', 'delete'] as const).map((verb) => [verb, VERBS[verb]!]),
);

/** pvesh's capability column: `D` has children, `r` GET, `w` PUT, `c` POST, `d` DELETE. */
export function capabilities(node: SchemaNode): string {
  const m = node.methods;
  const read = m.GET ? (node.children.length > 0 ? 'Dr' : '-r') : '--';
  return read + (m.PUT ? 'w' : '-') + (m.POST ? 'c' : '-') + (m.DELETE ? 'd' : '-');
}

/**
 * The name of a child in a GET answer. pvesh follows the method's child link; the tables
 * carry no links, so: the property named like the `{param}`, else the usual id keys
 * (`{volume}` children are listed by `volid`).
 */
export function childName(item: unknown, param: string): string | undefined {
  if (typeof item === 'string' || typeof item === 'number') return String(item);
  if (typeof item !== 'object' || item === null) return undefined;
  const record = item as Record<string, unknown>;
  for (const key of [param, 'volid', 'id', 'name', 'subdir']) {
    const value = record[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}
