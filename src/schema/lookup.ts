/**
 * The runtime schema tables, loaded on first use (they are large; most programs never
 * need them), and the lookup from a concrete path to its schema method.
 */

import type { ServiceName } from '../core/services.js';
import type { HttpMethod } from '../core/types.js';
import type { ApiMethod, SchemaNode } from '../generated/schema-types.js';

const cache = new Map<ServiceName, Promise<SchemaNode>>();

/** The schema tree of a service (root node `/`). */
export function loadSchema(service: ServiceName): Promise<SchemaNode> {
  let tree = cache.get(service);
  if (tree === undefined) {
    tree = importSchema(service);
    cache.set(service, tree);
  }
  return tree;
}

async function importSchema(service: ServiceName): Promise<SchemaNode> {
  // One literal import per service, so that bundlers can see and split each table.
  switch (service) {
    case 'PVE':
      return (await import('../generated/pve/schema.js')).root;
    case 'PBS':
      return (await import('../generated/pbs/schema.js')).root;
    case 'PMG':
      return (await import('../generated/pmg/schema.js')).root;
    case 'PDM':
      return (await import('../generated/pdm/schema.js')).root;
  }
}

export interface MethodMatch {
  node: SchemaNode;
  method: ApiMethod | undefined;
  /** Values of the `{placeholders}` the path filled, decoded. */
  pathParams: Record<string, string>;
}

/** Finds the schema node of a concrete, percent-encoded path; literal segments win over placeholders. */
export function findNode(root: SchemaNode, path: string): Omit<MethodMatch, 'method'> | undefined {
  const pathParams: Record<string, string> = {};
  let node = root;
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    const literal = node.children.find((c) => c.segment === segment);
    const next = literal ?? node.children.find((c) => c.segment.startsWith('{'));
    if (next === undefined) return undefined;
    if (literal === undefined) pathParams[next.segment.slice(1, -1)] = segment;
    node = next;
  }
  return { node, pathParams };
}

export function findMethod(root: SchemaNode, method: HttpMethod, path: string): MethodMatch | undefined {
  const found = findNode(root, path);
  return found && { ...found, method: found.node.methods[method] };
}
