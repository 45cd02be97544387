/**
 * The fluent path proxy: `px.nodes('pve1').qemu(100).status.start.post()`.
 * It knows paths, not HTTP: a verb hands (method, path, params, options) to `invoke`.
 */
import { inspect } from 'node:util';
import { encodeSegment } from '../core/encode.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { CallOptions } from '../options/call-options.js';

export type Invoke = (
  method: HttpMethod,
  path: string,
  params: Params | undefined,
  options?: CallOptions,
) => Promise<unknown>;

/** Verbs on every path node; `create` and `set` are pvesh's names for POST and PUT. */
export const VERBS: Readonly<Record<string, HttpMethod>> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  delete: 'DELETE',
  create: 'POST',
  set: 'PUT',
};

const hasOwn = (o: object, k: string) => Object.hasOwn(o, k);

/** special()'s answer for an ordinary key, every property read: one object, not one per read. */
const ORDINARY: { hit: boolean; value?: unknown } = Object.freeze({ hit: false });
const ABSENT: { hit: boolean; value?: unknown } = Object.freeze({ hit: true, value: undefined });

/** Keys that must not become path segments, so that `await`, JSON and inspection behave. */
function special(path: string, key: PropertyKey): { hit: boolean; value?: unknown } {
  if (typeof key === 'symbol') {
    if (key === Symbol.toPrimitive) return { hit: true, value: () => path };
    if (key === Symbol.toStringTag) return { hit: true, value: 'ProxmoxPath' };
    if (key === inspect.custom) return { hit: true, value: () => `[ProxmoxPath ${path || '/'}]` };
    return ABSENT;
  }
  switch (key) {
    case 'then':
    case 'catch':
    case 'finally':
    case 'asymmetricMatch':
    case '$$typeof':
    case 'nodeType':
      return ABSENT;
    case 'toJSON':
    case 'toString':
    case 'valueOf':
      return { hit: true, value: () => path || '/' };
    default:
      return ORDINARY;
  }
}

/** Children a static node remembers; past this a read makes a new node, as below an id. */
const CHILDREN_KEPT = 500;

/**
 * A path node: callable with an id (appends one segment), with a property per sub-path.
 * A static node (reached from the root by property reads alone: `px.cluster.resources`)
 * remembers its sub-paths and verbs, so that `px.version.get()` builds no objects after the
 * first call. Below an id call (`px.nodes('pve1')`) every read builds its node, as ids are
 * many and a memo of them would only grow.
 */
export function pathNode(path: string, invoke: Invoke, remember = false): unknown {
  const target = (id: unknown) => pathNode(`${path}/${encodeSegment(id)}`, invoke);
  const children = remember ? new Map<string, unknown>() : undefined;
  const child = (name: string): unknown => {
    let node = children?.get(name);
    if (node === undefined) {
      node = hasOwn(VERBS, name)
        ? verb(path, name, invoke, remember)
        : pathNode(`${path}/${encodeSegment(name)}`, invoke, remember);
      if (children !== undefined && children.size < CHILDREN_KEPT) children.set(name, node);
    }
    return node;
  };
  return new Proxy(target, {
    get(_t, key) {
      const s = special(path, key);
      return s.hit ? s.value : child(key as string);
    },
    has: (_t, key) => typeof key === 'string' && hasOwn(VERBS, key),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/**
 * A verb, callable; a verb name that is also a path segment (PMG's `/config/cluster/create`)
 * continues the path when a property is read from it: `.create.post()`.
 */
function verb(path: string, name: string, invoke: Invoke, remember: boolean): unknown {
  const method = VERBS[name]!;
  const sent = path || '/';
  const call = (params?: Params, options?: CallOptions) => invoke(method, sent, params, options);
  let child: Record<PropertyKey, unknown> | undefined;
  return new Proxy(call, {
    get(_t, key) {
      child ??= pathNode(`${path}/${name}`, invoke, remember) as Record<PropertyKey, unknown>;
      return child[key];
    },
  });
}

/** A route parsed once: its method and its segments, each literal or a placeholder's name. */
interface RouteTemplate {
  method: HttpMethod;
  segments: ({ literal: string } | { placeholder: string })[];
}

/** Routes parsed so far (the strings of a program's code: few); past this the memo starts over. */
const ROUTES_KEPT = 1_000;
const routes = new Map<string, RouteTemplate>();

function routeTemplate(route: string): RouteTemplate {
  let template = routes.get(route);
  if (template === undefined) {
    const match = /^(GET|POST|PUT|DELETE)\s+(\/\S*)$/.exec(route.trim());
    if (!match)
      throw new InvalidArgumentError(
        `route '${route}': expected 'METHOD /path', e.g. 'GET /nodes/{node}/qemu'`,
      );
    const segments = match[2]!.split('/').map((segment) => {
      const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
      return name === undefined ? { literal: segment } : { placeholder: name };
    });
    template = { method: match[1] as HttpMethod, segments };
    if (routes.size >= ROUTES_KEPT) routes.clear();
    routes.set(route, template);
  }
  return template;
}

/**
 * Expands `'GET /nodes/{node}/qemu'` with `{ node: 'pve1', vmid: 100 }`: placeholders are
 * filled (each value one encoded segment) and removed from the parameters. The route's text
 * is parsed once (`px.request` in a loop parses it no more).
 */
export function expandRoute(
  route: string,
  params: Params | undefined,
): { method: HttpMethod; path: string; rest: Params } {
  const { method, segments } = routeTemplate(route);
  const rest: Record<string, Params[string]> = { ...params };
  const path = segments
    .map((segment) => {
      if ('literal' in segment) return segment.literal;
      const name = segment.placeholder;
      if (!(name in rest) || rest[name] === undefined) {
        throw new InvalidArgumentError(`route '${route}': parameter '${name}' is missing`);
      }
      const value = rest[name];
      delete rest[name];
      return encodeSegment(value);
    })
    .join('/');
  return { method, path: path.replace(/\/+$/, '') || '/', rest };
}
