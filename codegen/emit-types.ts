/** Renders `<svc>/types.ts`: per-method parameter and result types, and the route map `Routes`. */
import { HEADER } from './emit-schema.js';
import { allMethods, type MethodModel, type NodeModel } from './model.js';
import { propertyKey } from './names.js';
import { objectMembers, type TypeContext, typeExpr } from './type-expr.js';

/** The result type of a method; `ns` prefixes generated names (`T.` in tree.ts). */
function resultExpr(m: MethodModel, ctx: TypeContext, ns = ''): string {
  const r = m.api.returns;
  let t: string;
  if (m.api.task === 'upid') t = 'Upid';
  else if (m.api.task === 'remote-upid') t = 'RemoteUpid';
  else if (m.itemName) t = `${ns}${m.itemName}[]`;
  else if (m.resultName) t = `${ns}${m.resultName}`;
  // A GET that answers nothing is implausible: PBS/PDM handlers without a declared return
  // schema show up as `null` (64 GETs of PDM), so the type says unknown instead of lying.
  else if (r?.type === 'null' && m.api.method === 'GET') t = 'unknown';
  else t = r ? typeExpr(r, ctx) : 'unknown';
  return r?.optional && t !== 'unknown' && t !== 'null' ? `${t} | null` : t;
}

function routeParamsExpr(m: MethodModel, param: TypeContext): string {
  const props = m.api.parameters?.properties ?? {};
  const path = m.pathParams.map(
    (p) => `${propertyKey(p)}: ${props[p] ? typeExpr(props[p], param) : 'string'}`,
  );
  const pathPart = path.length ? `{ ${path.join('; ')} }` : undefined;
  if (m.paramsName && pathPart) return `${pathPart} & ${m.paramsName}`;
  return m.paramsName ?? pathPart ?? 'NoParams';
}

function docLine(m: MethodModel): string {
  const facts = [m.route, `(${m.api.name})`];
  if (m.api.task) facts.push('starts a task');
  if (!m.api.allowtoken) facts.push('not with API tokens');
  return `/** ${facts.join(' ')} */`;
}

export function emitTypes(model: NodeModel, service: string, booleans: 'int' | 'bool'): string {
  const param: TypeContext = { direction: 'param', booleans };
  const result: TypeContext = { direction: 'result', booleans };
  const out: string[] = [
    HEADER,
    `// Parameter and result types of every ${service.toUpperCase()} method, and the route map. No upstream prose.`,
    "import type { Bool, NoParams, RemoteUpid, Upid } from '../common.js';",
    '',
    'export type { Bool, NoParams, RemoteUpid, Upid };',
    '',
  ];
  const methods = allMethods(model);
  for (const m of methods) {
    for (const f of m.formats.filter((x) => x.first)) {
      // Alias keys (`virtio` meaning `model=virtio,macaddr=...`) are spellings, not keys.
      const keys = Object.fromEntries(Object.entries(f.format).filter(([, s]) => !s.alias));
      const members = objectMembers({ properties: keys, additionalProperties: false }, param, '  ');
      out.push(
        `/** The keys of the property string \`${f.param}\` of ${m.route} (see formatPropertyString). */`,
      );
      out.push(`export interface ${f.name} {`, ...members, '}', '');
    }
    if (m.paramsName) {
      const members = objectMembers(m.api.parameters ?? {}, param, '  ', new Set(m.pathParams));
      out.push(`/** Parameters of ${m.route} (path parameters left out). */`);
      out.push(`export interface ${m.paramsName} {`, ...members, '}', '');
    }
    const r = m.api.returns;
    if (m.itemName && r?.items) {
      out.push(`/** An item of the result of ${m.route}. */`);
      out.push(`export interface ${m.itemName} {`, ...objectMembers(r.items, result, '  '), '}', '');
      out.push(`export type ${m.resultName} = ${m.itemName}[];`, '');
    } else if (m.resultName && r) {
      out.push(`/** Result of ${m.route}. */`);
      out.push(`export interface ${m.resultName} {`, ...objectMembers(r, result, '  '), '}', '');
    }
  }
  out.push('/** Every method by route, `VERB /path/{param}`: parameters (path ones included) and result. */');
  out.push('export interface Routes {');
  for (const m of methods) {
    out.push(`  ${docLine(m)}`);
    const optional = m.pathParams.length === 0 && m.paramsOptional;
    out.push(
      `  ${JSON.stringify(m.route)}: { params: ${routeParamsExpr(m, param)}; returns: ${resultExpr(m, result)}; optional: ${optional} };`,
    );
  }
  out.push('}', '');
  out.push(
    "/** Property-string parameters by route: `PropertyStrings[route].net` is the interface of `net0`'s keys. */",
  );
  out.push('export interface PropertyStrings {');
  for (const m of methods) {
    if (!m.formats.length) continue;
    const entries = m.formats.map((f) => `${propertyKey(f.param)}: ${f.name}`).join('; ');
    out.push(`  ${JSON.stringify(m.route)}: { ${entries} };`);
  }
  out.push('}', '');
  return out.join('\n');
}

export { docLine, resultExpr };
