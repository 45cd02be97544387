import { describe, expect, it } from 'vitest';
import { emitTree } from '../../codegen/emit-tree.js';
import { emitTypes } from '../../codegen/emit-types.js';
import { buildModel } from '../../codegen/model.js';
import { NameRegistry, pathTypeName, propertyKey } from '../../codegen/names.js';
import type { JsonSchema, SchemaNode } from '../../codegen/schema-model.js';
import { type TypeContext, typeExpr } from '../../codegen/type-expr.js';

const param: TypeContext = { direction: 'param', booleans: 'int' };
const result: TypeContext = { direction: 'result', booleans: 'int' };
const resultBool: TypeContext = { direction: 'result', booleans: 'bool' };

describe('names', () => {
  const cases: [string, { given: string; want: string }][] = [
    ['root', { given: '/', want: 'Root' }],
    [
      'path parameters',
      { given: '/nodes/{node}/qemu/{vmid}/status/start', want: 'NodesNodeQemuVmidStatusStart' },
    ],
    [
      'hyphens',
      { given: '/nodes/{node}/qemu/{vmid}/agent/get-fsinfo', want: 'NodesNodeQemuVmidAgentGetFsinfo' },
    ],
    ['leading digit', { given: '/3par', want: 'P3par' }],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(pathTypeName(given)).toBe(want);
  });

  it('registry suffixes repeats deterministically', () => {
    const r = new NameRegistry(['Root']);
    expect([r.take('A'), r.take('A'), r.take('Root')]).toEqual(['A', 'A2', 'Root2']);
  });

  it('quotes keys that are no identifiers', () => {
    expect([propertyKey('vmid'), propertyKey('get-fsinfo')]).toEqual(['vmid', '"get-fsinfo"']);
  });
});

describe('typeExpr', () => {
  const cases: [string, { given: [JsonSchema, TypeContext]; want: string }][] = [
    ['boolean param', { given: [{ type: 'boolean' }, param], want: 'Bool' }],
    ['PVE boolean result', { given: [{ type: 'boolean' }, result], want: '0 | 1' }],
    ['PBS boolean result', { given: [{ type: 'boolean' }, resultBool], want: 'boolean' }],
    ['enum', { given: [{ type: 'string', enum: ['a', 'b'] }, param], want: '"a" | "b"' }],
    ['integer', { given: [{ type: 'integer' }, param], want: 'number' }],
    [
      'param arrays are readonly',
      {
        given: [{ type: 'array', items: { type: 'string', enum: ['a', 'b'] } }, param],
        want: 'readonly ("a" | "b")[]',
      },
    ],
    ['result arrays', { given: [{ type: 'array', items: { type: 'integer' } }, result], want: 'number[]' }],
    ['object without properties', { given: [{ type: 'object' }, result], want: 'Record<string, unknown>' }],
    ['untyped', { given: [{}, result], want: 'unknown' }],
    [
      'memory-like property string takes a number',
      {
        given: [{ type: 'string', format: { current: { type: 'integer', default_key: true } } }, param],
        want: 'string | number',
      },
    ],
    [
      'result object: optional keys, numbered keys, more keys allowed',
      {
        given: [
          {
            type: 'object',
            properties: {
              a: { type: 'integer' },
              b: { type: 'string', optional: true },
              'net[n]': { type: 'string', optional: true, numbered: { prefix: 'net', max: 31 } },
            },
          },
          result,
        ],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected output is a template-literal type
        want: '{\n  a: number;\n  b?: string;\n  [key: `net${number}`]: string;\n  [key: string]: unknown;\n}',
      },
    ],
    [
      'param object: closed unless additionalProperties is true',
      {
        given: [{ type: 'object', properties: { a: { type: 'integer', minimum: 1 } } }, param],
        want: '{\n  /** range 1.. */\n  a: number;\n}',
      },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(typeExpr(...given)).toBe(want);
  });
});

const fixture: SchemaNode = {
  path: '/',
  segment: '',
  methods: {},
  children: [
    {
      path: '/nodes',
      segment: 'nodes',
      methods: {
        GET: {
          path: '/nodes',
          method: 'GET',
          name: 'index',
          allowtoken: true,
          protected: false,
          returns: { type: 'array', items: { type: 'object', properties: { node: { type: 'string' } } } },
        },
      },
      children: [
        {
          path: '/nodes/{node}',
          segment: '{node}',
          methods: {
            POST: {
              path: '/nodes/{node}',
              method: 'POST',
              name: 'adopt',
              allowtoken: true,
              protected: false,
              parameters: {
                type: 'object',
                properties: { node: { type: 'string' }, name: { type: 'string' } },
              },
              returns: { type: 'null' },
            },
          },
          children: [
            {
              path: '/nodes/{node}/start',
              segment: 'start',
              methods: {
                POST: {
                  path: '/nodes/{node}/start',
                  method: 'POST',
                  name: 'start',
                  allowtoken: false,
                  protected: true,
                  task: 'upid',
                  parameters: {
                    type: 'object',
                    properties: { node: { type: 'string' }, force: { type: 'boolean', optional: true } },
                  },
                  returns: { type: 'string' },
                },
              },
              children: [],
            },
            { path: '/nodes/{node}/create', segment: 'create', methods: {}, children: [] },
          ],
        },
      ],
    },
  ],
};

describe('emitters (tiny fixture, whole output)', () => {
  const model = buildModel(fixture);

  it('types.d.ts: params without path parameters, items, route names', () => {
    const out = emitTypes(model, 'pve', 'int');
    expect(out).toContain('export interface NodesGetItem {\n  node: string;\n  [key: string]: unknown;\n}');
    expect(out).toContain('export interface NodesNodeStartPostParams {\n  force?: Bool | undefined;\n}');
    // Only the route names: px.request finds their types in the tree.
    expect(out).toContain(
      'export type RouteKeys =\n  | "GET /nodes"\n  | "POST /nodes/{node}"\n  | "POST /nodes/{node}/start";',
    );
    expect(out.startsWith('// Generated by codegen/')).toBe(true);
  });

  it('tree.d.ts: no type parameters, callable parameter nodes, verbs with aliases, a child named like a verb wins', () => {
    const out = emitTree(model, 'pve', 'int');
    expect(out).toContain('export interface Nodes {\n  (node: string | number): NodesNode;');
    expect(out).toContain('  get: VerbOpt<NoParams, T.NodesGetItem[]>;');
    // A POST comes with its alias from one shared base; its facts move to the path's comment.
    expect(out).toContain(
      '/** /nodes/{node}/start; POST (start) starts a task not with API tokens */\nexport interface NodesNodeStart extends PostOpt<T.NodesNodeStartPostParams, Upid> {\n}',
    );
    // A child named like the alias wins: that node spells the verb out, without the alias.
    expect(out).toContain(
      '  /** POST (adopt) */\n  post: Verb<T.NodesNodePostParams, null>;\n  start: NodesNodeStart;\n  create: NodesNodeCreate;',
    );
    expect(out).not.toMatch(/<C\b/);
  });
});

/** A method of the tiny fixtures below: params `props`, answering null. */
function apiMethod(path: string, method: 'GET' | 'POST' | 'PUT', props: Record<string, JsonSchema>) {
  return {
    path,
    method,
    name: 'x',
    allowtoken: true,
    protected: false,
    parameters: { type: 'object' as const, properties: props },
    returns: { type: 'null' as const },
  };
}

/** `/<segment>` with one path-parameter child `/<segment>/{<param>}`, each with the given methods. */
function withParamChild(
  segment: string,
  param: string,
  own: SchemaNode['methods'],
  child: SchemaNode['methods'],
): SchemaNode {
  return {
    path: `/${segment}`,
    segment,
    methods: own,
    children: [{ path: `/${segment}/{${param}}`, segment: `{${param}}`, methods: child, children: [] }],
  };
}

const rootOf = (...children: SchemaNode[]): SchemaNode => ({ path: '/', segment: '', methods: {}, children });

describe('types.d.ts: a second interface with the very same members', () => {
  const comment = { comment: { type: 'string' as const, optional: true } };
  const tree = rootOf(
    withParamChild(
      'things',
      'id',
      { POST: apiMethod('/things', 'POST', comment) },
      { PUT: apiMethod('/things/{id}', 'PUT', { ...comment, id: { type: 'string' } }) },
    ),
  );

  it('extends the first, keeping its own name (the path parameter left out makes them equal)', () => {
    const out = emitTypes(buildModel(tree), 'pve', 'int');
    expect(out).toContain('export interface ThingsPostParams {\n  comment?: string | undefined;\n}');
    expect(out).toContain('export interface ThingsIdPutParams extends ThingsPostParams {}');
  });
});

describe('tree.d.ts: what a path parameter takes', () => {
  const tree = rootOf(
    withParamChild(
      'flags',
      'flag',
      {},
      {
        GET: apiMethod('/flags/{flag}', 'GET', { flag: { type: 'string', enum: ['noout', 'pause'] } }),
      },
    ),
    withParamChild(
      'vms',
      'vmid',
      {},
      { GET: apiMethod('/vms/{vmid}', 'GET', { vmid: { type: 'integer' } }) },
    ),
  );

  it("an enum's values (PVE /cluster/ceph/flags/{flag}), else a string or a number", () => {
    const out = emitTree(buildModel(tree), 'pve', 'int');
    expect(out).toContain('  (flag: "noout" | "pause"): FlagsFlag;');
    expect(out).toContain('  (vmid: string | number): VmsVmid;');
  });
});

describe('types.d.ts: an interface sharing most members with an earlier one', () => {
  const keys = Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [`k${i}`, { type: 'string' as const, optional: true }]),
  );
  const tree = rootOf(
    withParamChild(
      'guests',
      'id',
      {
        POST: apiMethod('/guests', 'POST', { ...keys, id: { type: 'integer' }, archive: { type: 'string' } }),
      },
      {
        PUT: apiMethod('/guests/{id}', 'PUT', {
          ...keys,
          id: { type: 'integer' },
          digest: { type: 'string', optional: true },
        }),
      },
    ),
  );

  it('extends Omit<earlier, what differs or is missing> and declares only its own', () => {
    const out = emitTypes(buildModel(tree), 'pve', 'int');
    expect(out).toContain(
      'export interface GuestsIdPutParams extends Omit<GuestsPostParams, "id" | "archive"> {\n  digest?: string | undefined;\n}',
    );
  });

  it('writes out an interface with a string index signature (Omit would lose its named keys)', () => {
    const open = rootOf(
      withParamChild(
        'things',
        'id',
        { POST: apiMethod('/things', 'POST', keys) },
        {
          PUT: {
            ...apiMethod('/things/{id}', 'PUT', { ...keys, extra: { type: 'string' } }),
            parameters: {
              type: 'object',
              properties: { ...keys, extra: { type: 'string' } },
              additionalProperties: true,
            },
          },
        },
      ),
    );
    const out = emitTypes(buildModel(open), 'pve', 'int');
    expect(out).toContain('export interface ThingsIdPutParams {\n');
    expect(out).not.toContain('Omit<');
  });
});
