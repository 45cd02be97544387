/**
 * Renders `<svc>/tree.ts`: one interface per path (`NodesNodeQemuVmidStatusStart`), never
 * one giant nested type, so an editor resolves only the nodes a call walks through.
 * A node whose child is a path parameter is callable: `nodes('pve1').qemu(100)`.
 * Verbs: get/post/put/delete, plus create (= post) and set (= put); a POST or PUT comes
 * with its alias from a shared base (`extends PostOpt<Params, Result>`), its facts in the
 * node's comment. A child segment named like a verb (PMG's `/config/cluster/create`) wins
 * over the verb, as it does at run time.
 * No interface here has a type parameter: a verb is `Verb<Params, Result>`, whose call
 * signature the SDK declares (src/typed/api.ts), and the sync facade maps the tree once
 * (`Synced`), so the everyday async client compiles with no instantiation per node.
 */
import { HEADER } from './emit-schema.js';
import { resultExpr } from './emit-types.js';
import type { MethodModel, NodeModel } from './model.js';
import { propertyKey } from './names.js';
import type { JsonSchema } from './schema-model.js';
import { type TypeContext, typeExpr } from './type-expr.js';

const VERBS = { GET: ['get'], POST: ['post', 'create'], PUT: ['put', 'set'], DELETE: ['delete'] } as const;
/** The shared interfaces of common.d.ts that declare a verb and its alias once. */
const BASES = { POST: 'Post', PUT: 'Put' } as const;

function signature(m: MethodModel, result: TypeContext): { verbType: string; args: string } {
  const params = m.paramsName ? `T.${m.paramsName}` : 'NoParams';
  return {
    verbType: m.paramsOptional ? 'VerbOpt' : 'Verb',
    args: `${params}, ${resultExpr(m, result, 'T.')}`,
  };
}

/** `POST (create_vm) starts a task`: the verb, its handler's name, what its type does not say. The path is the node's. */
function verbFacts(m: MethodModel): string {
  const facts = [m.api.method, `(${m.api.name})`];
  if (m.api.task) facts.push('starts a task');
  if (!m.api.allowtoken) facts.push('not with API tokens');
  return facts.join(' ');
}

function verbLines(m: MethodModel, taken: ReadonlySet<string>, result: TypeContext): string[] {
  const { verbType, args } = signature(m, result);
  const lines: string[] = [];
  for (const verb of VERBS[m.api.method]) {
    if (taken.has(verb)) continue;
    lines.push(`  /** ${verbFacts(m)} */`, `  ${verb}: ${verbType}<${args}>;`);
  }
  return lines;
}

/**
 * `extends PostOpt<Params, Result>` for a POST or PUT whose verb and alias are both free (a
 * child named `create` wins over the alias, so that node spells its verb out): the pair is
 * declared once, in common.d.ts, instead of twice per path.
 */
function baseOf(m: MethodModel, taken: ReadonlySet<string>, result: TypeContext): string | undefined {
  if (m.api.method !== 'POST' && m.api.method !== 'PUT') return undefined;
  if (VERBS[m.api.method].some((v) => taken.has(v))) return undefined;
  const { verbType, args } = signature(m, result);
  return `${BASES[m.api.method]}${verbType === 'VerbOpt' ? 'Opt' : ''}<${args}>`;
}

/** The path, and what the comment of a verb declared in a base would have said. */
function nodeDoc(n: NodeModel, based: MethodModel[]): string {
  const facts = based.map(verbFacts);
  return `/** ${[n.node.path, ...facts].join('; ')} */`;
}

/**
 * What a path parameter takes: its enum's values where the schema has one (PVE's
 * `/cluster/ceph/flags/{flag}`), else a string or a number (`qemu(100)`, `qemu('100')`).
 * `px.request` reads the same type for the route's path parameter.
 */
function pathParamType(child: NodeModel, name: string): string {
  const find = (n: NodeModel): JsonSchema | undefined =>
    n.methods.map((m) => m.api.parameters?.properties?.[name]).find(Boolean) ??
    n.children.map(find).find(Boolean);
  const schema = find(child);
  return schema?.enum?.length ? typeExpr(schema, { direction: 'param', booleans: 'int' }) : 'string | number';
}

function nodeInterface(n: NodeModel, result: TypeContext): string[] {
  const statics = n.children.filter((c) => !c.node.segment.startsWith('{'));
  const param = n.children.find((c) => c.node.segment.startsWith('{'));
  const taken = new Set(statics.map((c) => c.node.segment));
  const based = n.methods.filter((m) => baseOf(m, taken, result));
  const bases = based.map((m) => baseOf(m, taken, result));
  const heritage = bases.length ? ` extends ${bases.join(', ')}` : '';
  const lines = [nodeDoc(n, based), `export interface ${n.typeName}${heritage} {`];
  if (param) {
    const segment = param.node.segment.slice(1, -1);
    const name = segment.replace(/[^A-Za-z0-9_$]/g, '_');
    lines.push(`  (${name}: ${pathParamType(param, segment)}): ${param.typeName};`);
  }
  for (const m of n.methods) if (!based.includes(m)) lines.push(...verbLines(m, taken, result));
  for (const c of statics) lines.push(`  ${propertyKey(c.node.segment)}: ${c.typeName};`);
  lines.push('}', '');
  return lines;
}

export function emitTree(model: NodeModel, service: string, booleans: 'int' | 'bool'): string {
  const result: TypeContext = { direction: 'result', booleans };
  const out: string[] = [
    HEADER,
    `// The fluent path tree of ${service.toUpperCase()}: one interface per path.`,
    "import type { NoParams, Post, PostOpt, Put, PutOpt, RemoteUpid, Upid, Verb, VerbOpt } from '../common.js';",
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
