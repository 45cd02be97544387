/** Renders `<svc>/types.ts`: per-method parameter and result types, and the route map `Routes`. */
import { HEADER } from './emit-schema.js';
import { InterfaceWriter } from './interface-writer.js';
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

export function emitTypes(model: NodeModel, service: string, booleans: 'int' | 'bool'): string {
  const param: TypeContext = { direction: 'param', booleans };
  const result: TypeContext = { direction: 'result', booleans };
  const out: string[] = [
    HEADER,
    `// Parameter and result types of every ${service.toUpperCase()} method, and the route names. No upstream prose.`,
    "import type { Bool, NoParams, RemoteUpid, Upid } from '../common.js';",
    '',
    'export type { Bool, NoParams, RemoteUpid, Upid };',
    '',
  ];
  const methods = allMethods(model);
  const iface = new InterfaceWriter(out);
  for (const m of methods) {
    for (const f of m.formats.filter((x) => x.first)) {
      // Alias keys (`virtio` meaning `model=virtio,macaddr=...`) are spellings, not keys.
      const keys = Object.fromEntries(Object.entries(f.format).filter(([, s]) => !s.alias));
      const members = objectMembers({ properties: keys, additionalProperties: false }, param, '  ');
      out.push(`/** The keys of the property string \`${f.param}\` (see formatPropertyString). */`);
      out.push(`export interface ${f.name} {`, ...members, '}', '');
    }
    // The names say the route and the role (`...PutParams` leaves the path parameters out).
    if (m.paramsName) {
      iface.write(m.paramsName, objectMembers(m.api.parameters ?? {}, param, '  ', new Set(m.pathParams)));
    }
    const r = m.api.returns;
    if (m.itemName && r?.items) {
      iface.write(m.itemName, objectMembers(r.items, result, '  '));
      out.push(`export type ${m.resultName} = ${m.itemName}[];`, '');
    } else if (m.resultName && r) {
      iface.write(m.resultName, objectMembers(r, result, '  '));
    }
  }
  // Only the names: src/typed/routes.ts finds a route's params and result in the tree.
  out.push('/** Every route, `VERB /path/{param}` (`px.request` walks the tree for its types). */');
  const keys = methods.map((m) => `  | ${JSON.stringify(m.route)}`);
  out.push('export type RouteKeys =', ...keys.slice(0, -1), `${keys.at(-1) ?? '  never'};`, '');
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

export { resultExpr };
