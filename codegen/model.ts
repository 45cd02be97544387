/**
 * What the type emitters need to know of each method, computed once per service so that
 * types.ts, tree.ts and the coverage count agree on every name.
 */
import { NameRegistry, pascal, pathTypeName, VERB_OF } from './names.js';
import type { ApiMethod, JsonSchema, SchemaNode } from './schema-model.js';
import { hasRequired } from './type-expr.js';

export interface MethodModel {
  api: ApiMethod;
  /** `GET /nodes/{node}/qemu` */
  route: string;
  /** Names of the path parameters, in path order. */
  pathParams: string[];
  /** Name of the exported interface of the non-path parameters, or undefined when there are none. */
  paramsName: string | undefined;
  /** Name of the exported result type, or undefined when the result is written inline. */
  resultName: string | undefined;
  /** Name of the item interface when the result is an array of objects. */
  itemName: string | undefined;
  /** Whether the fluent call's params argument may be left out. */
  paramsOptional: boolean;
  /** Property-string parameters: `net` (for `net[n]`) -> the interface of its keys. */
  formats: FormatModel[];
}

export interface FormatModel {
  /** The parameter's name, `net` for the numbered `net[n]`. */
  param: string;
  /** Interface name, from the first method that uses this format (`NodesNodeQemuNetFormat`). */
  name: string;
  format: Record<string, JsonSchema>;
  /** True where the interface is declared (its first use). */
  first: boolean;
}

export interface NodeModel {
  node: SchemaNode;
  typeName: string;
  methods: MethodModel[];
  children: NodeModel[];
}

export function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
}

function isObjectWithProps(s: ApiMethod['returns']): boolean {
  return (
    !!s &&
    (s.type === 'object' || (!s.type && !!s.properties)) &&
    !!s.properties &&
    Object.keys(s.properties).length > 0
  );
}

/** Builds the model; names are taken in tree order (children sorted), so output is stable. */
export function buildModel(root: SchemaNode): NodeModel {
  const names = new NameRegistry([
    'Root',
    'Routes',
    'Upid',
    'RemoteUpid',
    'Bool',
    'NoParams',
    'CallShape',
    'Answer',
  ]);
  const nodeNames = new Map<SchemaNode, string>();
  // Node interface names first, so that they keep their plain path names.
  const nameNodes = (n: SchemaNode): void => {
    nodeNames.set(n, n.path === '/' ? 'Root' : names.take(pathTypeName(n.path)));
    n.children.forEach(nameNodes);
  };
  nameNodes(root);
  const formatNames = new Map<string, string>();
  const formatsOf = (api: ApiMethod, typeName: string, omit: ReadonlySet<string>): FormatModel[] => {
    const out: FormatModel[] = [];
    for (const [key, p] of Object.entries(api.parameters?.properties ?? {})) {
      if (omit.has(key) || !p.format || typeof p.format === 'string') continue;
      const param = p.numbered?.prefix ?? key;
      const id = JSON.stringify(p.format);
      let name = formatNames.get(id);
      const first = name === undefined;
      if (name === undefined) {
        name = names.take(`${typeName}${pascal(param)}Format`);
        formatNames.set(id, name);
      }
      out.push({ param, name, format: p.format, first });
    }
    return out;
  };
  const build = (n: SchemaNode): NodeModel => {
    const typeName = nodeNames.get(n) ?? 'Root';
    const methods: MethodModel[] = [];
    for (const verb of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
      const api = n.methods[verb];
      if (!api) continue;
      const pathParams = pathParamsOf(api.path);
      const omit = new Set(pathParams);
      const params = api.parameters;
      const hasOwn =
        Object.keys(params?.properties ?? {}).some((k) => !omit.has(k)) ||
        params?.additionalProperties === true;
      const base = `${typeName}${VERB_OF[verb]}`;
      const r = api.returns;
      const arrayOfObjects = r?.type === 'array' && isObjectWithProps(r.items);
      methods.push({
        api,
        route: `${verb} ${api.path}`,
        pathParams,
        paramsName: hasOwn ? names.take(`${base}Params`) : undefined,
        itemName: arrayOfObjects ? names.take(`${base}Item`) : undefined,
        resultName: arrayOfObjects || isObjectWithProps(r) ? names.take(`${base}Result`) : undefined,
        paramsOptional: !hasRequired(params, omit),
        formats: formatsOf(api, typeName, omit),
      });
    }
    return { node: n, typeName, methods, children: n.children.map(build) };
  };
  return build(root);
}

export function allMethods(m: NodeModel): MethodModel[] {
  return [...m.methods, ...m.children.flatMap(allMethods)];
}
