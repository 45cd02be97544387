import { describe, expect, it } from 'vitest';
import { defaultIsFact, derivedName, normaliseSchema, normaliseTree } from '../../codegen/normalise.js';
import { collectKeyEvidence } from '../../codegen/numbered.js';
import type { RawNode, RawSchema } from '../../codegen/types.js';

const ctx = (evidence = new Map<string, number>()) => ({
  evidence,
  path: '/nodes/{node}/qemu',
  warnings: [] as string[],
});

describe('normaliseSchema', () => {
  const cases: [string, { given: RawSchema; want: unknown }][] = [
    [
      'drops prose, keeps facts',
      {
        given: {
          type: 'integer',
          description: 'x',
          verbose_description: 'y',
          typetext: '<integer>',
          minimum: 1,
          title: 't',
        },
        want: { type: 'integer', minimum: 1 },
      },
    ],
    [
      "keeps the renderer: it names the value's unit, which pvesh's human-readable output uses",
      {
        given: { type: 'integer', renderer: 'bytes', description: 'x' },
        want: { type: 'integer', renderer: 'bytes' },
      },
    ],
    [
      'optional 1 / "1" / true become true',
      {
        given: {
          type: 'object',
          properties: { a: { optional: 1 }, b: { optional: '1' }, c: { optional: true }, d: { optional: 0 } },
        },
        want: {
          type: 'object',
          properties: { a: { optional: true }, b: { optional: true }, c: { optional: true }, d: {} },
        },
      },
    ],
    [
      'additionalProperties 0 becomes false',
      {
        given: { type: 'object', additionalProperties: 0 },
        want: { type: 'object', additionalProperties: false },
      },
    ],
    [
      'Perl pattern to JS',
      {
        given: { type: 'string', pattern: '(?^i:[a-z]+)' },
        want: { type: 'string', pattern: '(?:[a-z]+)', patternFlags: 'i' },
      },
    ],
    [
      'Rust pattern to JS',
      {
        given: { type: 'string', pattern: '/^[[:^cntrl:]]*$/' },
        want: { type: 'string', pattern: '^[^\\x00-\\x1f\\x7f]*$' },
      },
    ],
    [
      'PBS nested object format flattened, default_key moved onto the key',
      {
        given: {
          type: 'string',
          format: {
            type: 'object',
            additionalProperties: false,
            default_key: 'type',
            properties: { type: { type: 'string', enum: ['a'] }, message: { type: 'string', optional: 1 } },
          },
        },
        want: {
          type: 'string',
          format: {
            message: { type: 'string', optional: true },
            type: { type: 'string', enum: ['a'], default_key: true },
          },
        },
      },
    ],
    [
      'PBS list format',
      {
        given: { type: 'string', format: { type: 'array', items: { type: 'string', enum: ['x'] } } },
        want: { type: 'string', formatList: { type: 'array', items: { type: 'string', enum: ['x'] } } },
      },
    ],
    [
      'PVE flat format with key alias',
      {
        given: {
          type: 'string',
          format: {
            virtio: { alias: 'macaddr', keyAlias: 'model' },
            model: { type: 'string', default_key: 1 },
          },
        },
        want: {
          type: 'string',
          format: {
            model: { type: 'string', default_key: true },
            virtio: { alias: 'macaddr', keyAlias: 'model' },
          },
        },
      },
    ],
    [
      'prose default dropped',
      { given: { type: 'integer', default: 'cgroup v1: 1024' }, want: { type: 'integer' } },
    ],
    [
      'real default kept',
      {
        given: { type: 'string', enum: ['a', 'b'], default: 'b' },
        want: { type: 'string', enum: ['a', 'b'], default: 'b' },
      },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(normaliseSchema(given, ctx())).toEqual(want);
  });

  it('numbered parameters: maximum from concrete keys first, then from the text', () => {
    const evidence = new Map([['qemu:net', 31]]);
    const net = normaliseSchema({ type: 'string' }, ctx(evidence), 'net[n]');
    expect(net.numbered).toEqual({ prefix: 'net', max: 31 });
    const scsi = normaliseSchema(
      { type: 'string', description: 'Use volume as SCSI disk (n is 0 to 30).' },
      ctx(),
      'scsi[n]',
    );
    expect(scsi.numbered).toEqual({ prefix: 'scsi', max: 30 });
    const link = normaliseSchema(
      { type: 'string', description: 'up to 8 links; link0..link7' },
      { ...ctx(), path: '/cluster/config' },
      'link[n]',
    );
    expect(link.numbered).toEqual({ prefix: 'link', max: 7 });
    const w = ctx();
    expect(normaliseSchema({ type: 'string' }, w, 'foo[n]').numbered).toEqual({ prefix: 'foo' });
    expect(w.warnings).toHaveLength(1);
  });
});

describe('defaultIsFact', () => {
  const cases: [string, { given: RawSchema; want: boolean }][] = [
    ['number', { given: { type: 'integer', default: 5 }, want: true }],
    ['prose for a number', { given: { type: 'integer', default: 'max(30, memory)' }, want: false }],
    ['boolean 0', { given: { type: 'boolean', default: 0 }, want: true }],
    [
      'string matching the pattern',
      { given: { type: 'string', pattern: '[a-z]+', default: 'abc' }, want: true },
    ],
    [
      'string failing the pattern',
      { given: { type: 'string', pattern: '[a-z]+', default: 'same as user' }, want: false },
    ],
    [
      'spaces in a named format',
      { given: { type: 'string', format: 'pve-node', default: 'current connected node' }, want: false },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(defaultIsFact(given)).toBe(want);
  });
});

describe('normaliseTree', () => {
  const pbsLike: RawNode[] = [
    {
      path: '/',
      info: { GET: { method: 'GET', description: 'index', parameters: { type: 'object', properties: {} } } },
      children: [
        { path: '/b', info: { GET: { method: 'DOWNLOAD' } } },
        {
          path: '/a',
          info: {
            POST: { method: 'UPLOAD' },
            GET: { method: 'GET', returns: { type: 'string', pattern: '/^UPID:x$/' } },
          },
        },
      ],
    },
    { path: '/backup/_upgrade_', info: { GET: { method: 'GET' } } },
  ];

  it('keeps the root, sorts children, skips protocol trees, maps DOWNLOAD/UPLOAD', () => {
    const root = normaliseTree(pbsLike, { evidence: collectKeyEvidence([pbsLike]), warnings: [] });
    expect(root.path).toBe('/');
    expect(root.segment).toBe('');
    expect(root.methods.GET?.name).toBe('get');
    expect(root.children.map((c) => c.segment)).toEqual(['a', 'b']);
    const [a, b] = root.children;
    expect(a?.methods.POST).toMatchObject({
      method: 'POST',
      upload: true,
      allowtoken: true,
      protected: false,
      name: 'post_a',
    });
    expect(a?.methods.GET?.task).toBe('upid');
    expect(b?.methods.GET).toMatchObject({ method: 'GET', download: true });
  });

  it('wraps PVE-style top-level lists under /', () => {
    const pveLike: RawNode[] = [
      {
        path: '/version',
        info: {
          GET: { method: 'GET', name: 'version', allowtoken: 0, protected: 1, returns: { type: 'object' } },
        },
      },
    ];
    const root = normaliseTree(pveLike, { evidence: new Map(), warnings: [] });
    expect(root.children[0]?.methods.GET).toMatchObject({
      name: 'version',
      allowtoken: false,
      protected: true,
    });
  });

  it('derives names for PBS/PDM methods', () => {
    expect(derivedName('POST', '/admin/datastore/{store}/gc')).toBe('post_admin_datastore_gc');
    expect(derivedName('GET', '/nodes/{node}/apt/changelog')).toBe('get_nodes_apt_changelog');
  });
});
