/**
 * Renders `<svc>/tree.ts`: one interface per path (`NodesNodeQemuVmidStatusStart`), never
 * one giant nested type, so an editor resolves only the nodes a call walks through.
 * A node whose child is a path parameter is callable: `nodes('pve1').qemu(100)`.
 * Verbs: get/post/put/delete, plus create (= post) and set (= put), the alias without a
 * comment of its own. A child segment named like a verb (PMG's `/config/cluster/create`)
 * wins over the verb, as it does at run time.
 * No interface here has a type parameter: a verb is `Verb<Params, Result>`, whose call
 * signature the SDK declares (src/typed/api.ts), and the sync facade maps the tree once
 * (`Synced`), so the everyday async client compiles with no instantiation per node.
 */
import { HEADER } from './emit-schema.js';
import { docLine, resultExpr } from './emit-types.js';
import type { MethodModel, NodeModel } from './model.js';
import { propertyKey } from './names.js';
import type { TypeContext } from './type-expr.js';

const VERBS = { GET: ['get'], POST: ['post', 'create'], PUT: ['put', 'set'], DELETE: ['delete'] } as const;

function verbLines(m: MethodModel, taken: ReadonlySet<string>, result: TypeContext): string[] {
  const params = m.paramsName ? `T.${m.paramsName}` : 'NoParams';
  const verbType = m.paramsOptional ? 'VerbOpt' : 'Verb';
  const ret = resultExpr(m, result, 'T.');
  const lines: string[] = [];
  VERBS[m.api.method].forEach((verb, i) => {
    if (taken.has(verb)) return;
    if (i === 0 || taken.has(VERBS[m.api.method][0])) lines.push(`  ${docLine(m)}`);
    lines.push(`  ${verb}: ${verbType}<${params}, ${ret}>;`);
  });
  return lines;
}

function nodeInterface(n: NodeModel, result: TypeContext): string[] {
  const statics = n.children.filter((c) => !c.node.segment.startsWith('{'));
  const param = n.children.find((c) => c.node.segment.startsWith('{'));
  const taken = new Set(statics.map((c) => c.node.segment));
  const lines = [`/** ${n.node.path} */`, `export interface ${n.typeName} {`];
  if (param) {
    const name = param.node.segment.slice(1, -1).replace(/[^A-Za-z0-9_$]/g, '_');
    lines.push(`  (${name}: string | number): ${param.typeName};`);
  }
  for (const m of n.methods) lines.push(...verbLines(m, taken, result));
  for (const c of statics) lines.push(`  ${propertyKey(c.node.segment)}: ${c.typeName};`);
  lines.push('}', '');
  return lines;
}

export function emitTree(model: NodeModel, service: string, booleans: 'int' | 'bool'): string {
  const result: TypeContext = { direction: 'result', booleans };
  const out: string[] = [
    HEADER,
    `// The fluent path tree of ${service.toUpperCase()}: one interface per path.`,
    "import type { NoParams, RemoteUpid, Upid, Verb, VerbOpt } from '../common.js';",
    "import type * as T from './types.js';",
    '',
    'export type { Verb, VerbOpt };',
    '',
  ];
  const walk = (n: NodeModel): void => {
    out.push(...nodeInterface(n, result));
    n.children.forEach(walk);
  };
  walk(model);
  return out.join('\n');
}
