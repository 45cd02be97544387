/**
 * Renders `<svc>/tree.ts`: one interface per path (`NodesNodeQemuVmidStatusStart`), never
 * one giant nested type, so an editor resolves only the nodes a call walks through.
 * A node whose child is a path parameter is callable: `nodes('pve1').qemu(100)`.
 * Verbs: get/post/put/delete, plus create (= post) and set (= put). A child segment named
 * like a verb (PMG's `/config/cluster/create`) wins over the verb, as it does at run time.
 * `C` carries the call options type, whether calls block (the sync facade) and what a
 * waited-for task resolves to; `O` (inferred from the options argument) picks the outcome.
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
  for (const verb of VERBS[m.api.method]) {
    if (taken.has(verb)) continue;
    lines.push(`  ${docLine(m)}`);
    lines.push(`  ${verb}: ${verbType}<C, ${params}, ${ret}>;`);
  }
  return lines;
}

function nodeInterface(n: NodeModel, result: TypeContext): string[] {
  const statics = n.children.filter((c) => !c.node.segment.startsWith('{'));
  const param = n.children.find((c) => c.node.segment.startsWith('{'));
  const taken = new Set(statics.map((c) => c.node.segment));
  const lines = [
    `/** ${n.node.path} */`,
    `export interface ${n.typeName}<C extends CallShape = CallShape> {`,
  ];
  if (param) {
    const name = param.node.segment.slice(1, -1).replace(/[^A-Za-z0-9_$]/g, '_');
    lines.push(`  (${name}: string | number): ${param.typeName}<C>;`);
  }
  for (const m of n.methods) lines.push(...verbLines(m, taken, result));
  for (const c of statics) lines.push(`  ${propertyKey(c.node.segment)}: ${c.typeName}<C>;`);
  lines.push('}', '');
  return lines;
}

export function emitTree(model: NodeModel, service: string, booleans: 'int' | 'bool'): string {
  const result: TypeContext = { direction: 'result', booleans };
  const out: string[] = [
    HEADER,
    `// The fluent path tree of ${service.toUpperCase()}: one interface per path.`,
    "import type { CallShape, NoParams, RemoteUpid, Upid, Verb, VerbOpt } from '../common.js';",
    "import type * as T from './types.js';",
    '',
    'export type { CallShape, Verb, VerbOpt };',
    '',
  ];
  const walk = (n: NodeModel): void => {
    out.push(...nodeInterface(n, result));
    n.children.forEach(walk);
  };
  walk(model);
  return out.join('\n');
}
