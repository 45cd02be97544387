/**
 * The generated schema tables, loaded on demand: each is a large JSON blob, and most
 * invocations (`get`, `config`, `mock`) never need one. Each service is its own chunk.
 */

import type { ServiceName } from '../core/services.js';
import type { HttpMethod, SchemaNode } from '../generated/schema-types.js';

export async function loadSchema(service: ServiceName): Promise<SchemaNode> {
  switch (service) {
    case 'PBS':
      return (await import('../generated/pbs/schema.js')).root;
    case 'PMG':
      return (await import('../generated/pmg/schema.js')).root;
    case 'PDM':
      return (await import('../generated/pdm/schema.js')).root;
    default:
      return (await import('../generated/pve/schema.js')).root;
  }
}

export interface SchemaMatch {
  node: SchemaNode;
  /** Values of the `{param}` segments the path filled in. */
  params: Record<string, string>;
}

const paramName = (segment: string) => /^\{([^}]+)\}$/.exec(segment)?.[1];

/**
 * Finds the schema node of a concrete path (`/nodes/pve1/qemu` -> `/nodes/{node}/qemu`).
 * A literal segment wins over a `{param}` sibling, as the Proxmox router matches.
 * Template paths (`/nodes/{node}`) match themselves.
 */
export function findNode(root: SchemaNode, path: string): SchemaMatch | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  let node = root;
  const params: Record<string, string> = {};
  for (const segment of segments) {
    const literal = node.children.find((c) => c.segment === segment);
    if (literal) {
      node = literal;
      continue;
    }
    const variable = node.children.find((c) => paramName(c.segment) !== undefined);
    if (!variable) return undefined;
    params[paramName(variable.segment)!] = segment;
    node = variable;
  }
  return { node, params };
}

/** The `{param}` child of a node, if its children are named by a parameter. */
export function variableChild(node: SchemaNode): { child: SchemaNode; param: string } | undefined {
  for (const child of node.children) {
    const param = paramName(child.segment);
    if (param !== undefined) return { child, param };
  }
  return undefined;
}

export const VERB_METHODS: Readonly<Record<string, HttpMethod>> = {
  get: 'GET',
  set: 'PUT',
  create: 'POST',
  delete: 'DELETE',
};

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
