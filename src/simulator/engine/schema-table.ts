/** The generated schema table of each product, and a walk over its methods. */

import type { ServiceName } from '../../core/services.js';
import { schema as pbs } from '../../generated/pbs/schema.js';
import { schema as pdm } from '../../generated/pdm/schema.js';
import { schema as pmg } from '../../generated/pmg/schema.js';
import { schema as pve } from '../../generated/pve/schema.js';
import type { ApiMethod, SchemaNode } from '../../generated/schema-types.js';

const TABLES: Record<ServiceName, SchemaNode[]> = { PVE: pve, PBS: pbs, PMG: pmg, PDM: pdm };

export function schemaFor(service: ServiceName): SchemaNode[] {
  return TABLES[service];
}

/** PBS carries streaming protocol trees that are no REST endpoints. */
const SKIPPED = /\/_upgrade_$/;

export function* schemaMethods(service: ServiceName): Generator<ApiMethod> {
  const stack = [...schemaFor(service)];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (SKIPPED.test(node.path)) continue;
    for (const method of Object.values(node.methods)) if (method) yield method;
    stack.push(...node.children);
  }
}

/** Whether a template has a `{param}` child (a collection with members). */
export function memberParam(service: ServiceName, template: string): string | undefined {
  const find = (nodes: SchemaNode[]): SchemaNode | undefined => {
    for (const n of nodes) {
      if (n.path === template) return n;
      if (template.startsWith(`${n.path}/`)) return find(n.children);
    }
    return undefined;
  };
  const node = find(schemaFor(service));
  const child = node?.children.find((c) => c.segment.startsWith('{'));
  return child?.segment.slice(1, -1);
}
