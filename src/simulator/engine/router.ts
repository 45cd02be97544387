/**
 * Matches decoded path segments against route templates (`/nodes/{node}/qemu`). A literal
 * segment wins over a parameter, as in the servers' own routers.
 */

import type { ApiMethod } from '../../generated/schema-types.js';

export interface MethodInfo {
  /** The generated schema entry, when the route comes from the schema table. */
  api?: ApiMethod;
  /** The method's `permissions` from the schema (or a built-in stand-in). */
  permissions?: unknown;
  /** False when the method refuses API tokens. */
  allowtoken: boolean;
  parameters?: unknown;
  returns?: unknown;
  name?: string;
}

export interface RouteNode {
  template: string;
  literal: Map<string, RouteNode>;
  param?: { name: string; node: RouteNode };
  methods: Map<string, MethodInfo>;
}

export interface RouteMatch {
  node: RouteNode;
  pathParams: Record<string, string>;
}

const newNode = (template: string): RouteNode => ({ template, literal: new Map(), methods: new Map() });

export class Router {
  readonly root = newNode('');
  /** Templates whose last parameter takes the rest of the path (core/path-ids.ts). */
  readonly #restOfPath: ReadonlySet<string>;

  constructor(restOfPath: readonly string[] = []) {
    this.#restOfPath = new Set(restOfPath);
  }

  /** Adds a method on a template; an existing entry keeps what it had unless `replace`. */
  add(method: string, template: string, info: MethodInfo, replace = false): void {
    let node = this.root;
    let path = '';
    for (const segment of template.split('/').filter((s) => s !== '')) {
      path += `/${segment}`;
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      if (param !== undefined) {
        if (!node.param) node.param = { name: param, node: newNode(path) };
        node = node.param.node;
      } else {
        let next = node.literal.get(segment);
        if (!next) {
          next = newNode(path);
          node.literal.set(segment, next);
        }
        node = next;
      }
    }
    if (replace || !node.methods.has(method)) node.methods.set(method, info);
  }

  match(segments: readonly string[]): RouteMatch | undefined {
    const pathParams: Record<string, string> = {};
    const walk = (node: RouteNode, index: number): RouteNode | undefined => {
      if (index === segments.length) return node;
      const segment = segments[index] ?? '';
      const literal = node.literal.get(segment);
      if (literal) {
        const found = walk(literal, index + 1);
        if (found) return found;
      }
      if (node.param) {
        const found = walk(node.param.node, index + 1);
        if (found) {
          pathParams[node.param.name] = segment;
          return found;
        }
        // Only a mount registered with `fragmentDelimiter => ''` joins the remaining
        // fragments into one id (pve-common RESTHandler.pm map_path_to_methods); any other
        // leaf with segments left over is no method there.
        const leaf = node.param.node;
        if (this.#restOfPath.has(leaf.template) && index < segments.length - 1) {
          pathParams[node.param.name] = segments.slice(index).join('/');
          return leaf;
        }
      }
      return undefined;
    };
    const node = walk(this.root, 0);
    return node ? { node, pathParams } : undefined;
  }

  /** Every (method, template) pair, for the conformance walk. */
  *entries(): Generator<{ method: string; template: string; info: MethodInfo }> {
    const stack: RouteNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (const [method, info] of node.methods) yield { method, template: node.template || '/', info };
      for (const child of node.literal.values()) stack.push(child);
      if (node.param) stack.push(node.param.node);
    }
  }
}
