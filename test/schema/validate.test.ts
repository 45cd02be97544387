import { describe, expect, it } from 'vitest';
import { root as pbsRoot } from '../../src/generated/pbs/schema.js';
import { root } from '../../src/generated/pve/schema.js';
import type { ApiMethod, HttpMethod, SchemaNode } from '../../src/generated/schema-types.js';
import { validateParams } from '../../src/schema/validate.js';

function method(tree: SchemaNode, path: string, verb: HttpMethod): ApiMethod {
  let node: SchemaNode | undefined = tree;
  for (const seg of path.split('/').filter(Boolean)) node = node?.children.find((c) => c.segment === seg);
  const m = node?.methods[verb];
  if (!m) throw new Error(`no ${verb} ${path}`);
  return m;
}

const createVm = method(root, '/nodes/{node}/qemu', 'POST');
const resources = method(root, '/cluster/resources', 'GET');
const fixture: ApiMethod = {
  path: '/things/{id}',
  method: 'PUT',
  name: 'update_thing',
  allowtoken: true,
  protected: false,
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      id: { type: 'integer', minimum: 1 },
      name: { type: 'string', maxLength: 5, minLength: 2 },
      kind: { type: 'string', enum: ['a', 'b'], optional: true },
      enabled: { type: 'boolean', optional: true },
      code: { type: 'string', pattern: '[a-z]+', optional: true },
      backup: { type: 'string', optional: true, requires: 'name' },
      'disk[n]': {
        type: 'string',
        optional: true,
        numbered: { prefix: 'disk', max: 3 },
        format: {
          file: { type: 'string', default_key: true },
          size: { type: 'integer', optional: true, minimum: 1 },
        },
      },
    },
  },
};

describe('validateParams', () => {
  const cases: [string, { given: Record<string, unknown>; want: Record<string, string> | undefined }][] = [
    [
      'valid',
      {
        given: { id: 1, name: 'abc', kind: 'a', enabled: true, code: 'xyz', disk3: 'local:1,size=2' },
        want: undefined,
      },
    ],
    ['missing required', { given: { id: 1 }, want: { name: 'property is missing and it is not optional' } }],
    [
      'below minimum',
      { given: { id: 0, name: 'abc' }, want: { id: 'value must have a minimum value of 1' } },
    ],
    [
      'not an integer',
      { given: { id: 'x', name: 'abc' }, want: { id: "type check ('integer') failed - got 'x'" } },
    ],
    ['numeric string is an integer', { given: { id: '7', name: 'abc' }, want: undefined }],
    [
      'not a boolean',
      {
        given: { id: 1, name: 'abc', enabled: 2 },
        want: { enabled: "type check ('boolean') failed - got '2'" },
      },
    ],
    [
      'enum',
      {
        given: { id: 1, name: 'abc', kind: 'x' },
        want: { kind: "value 'x' does not have a value in the enumeration 'a, b'" },
      },
    ],
    ['too long', { given: { id: 1, name: 'abcdef' }, want: { name: 'value may only be 5 characters long' } }],
    [
      'too short',
      { given: { id: 1, name: 'a' }, want: { name: 'value must be at least 2 characters long' } },
    ],
    [
      'pattern',
      { given: { id: 1, name: 'abc', code: 'X1' }, want: { code: 'value does not match the regex pattern' } },
    ],
    [
      'unknown key',
      {
        given: { id: 1, name: 'abc', nmae: 'x' },
        want: {
          nmae: 'property is not defined in schema and the schema does not allow additional properties',
        },
      },
    ],
    [
      'numbered key past the maximum',
      {
        given: { id: 1, name: 'abc', disk4: 'x' },
        want: {
          disk4: 'property is not defined in schema and the schema does not allow additional properties',
        },
      },
    ],
    [
      'property string content',
      {
        given: { id: 1, name: 'abc', disk0: 'x,size=0' },
        want: { disk0: 'invalid format - format error\ndisk0.size: value must have a minimum value of 1' },
      },
    ],
    [
      'property string syntax',
      {
        given: { id: 1, name: 'abc', disk0: 'x,bogus=1' },
        want: { disk0: 'invalid format - invalid key in comma-separated list property: bogus' },
      },
    ],
    ['path parameter absent: carried by the path', { given: { name: 'abc' }, want: undefined }],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(validateParams(fixture, given)).toEqual(want);
  });

  it('allows unknown keys where the schema leaves additionalProperties unset, as PVE does', () => {
    const open: ApiMethod = {
      ...fixture,
      parameters: { ...fixture.parameters!, additionalProperties: undefined } as never,
    };
    delete (open.parameters as { additionalProperties?: unknown }).additionalProperties;
    expect(validateParams(open, { id: 1, name: 'abc', extra: 'x' })).toBeUndefined();
  });

  it('requires', () => {
    const f: ApiMethod = {
      ...fixture,
      parameters: {
        ...fixture.parameters!,
        properties: { ...fixture.parameters!.properties!, name: { type: 'string', optional: true } },
      },
    };
    expect(validateParams(f, { backup: 'x' })).toEqual({
      name: "missing property - 'backup' requires this property",
    });
  });

  it('checks real PVE methods', () => {
    expect(
      validateParams(createVm, {
        vmid: 100,
        name: 'vm',
        memory: '2048',
        net0: 'virtio,bridge=vmbr0',
        scsi30: 'local:8',
      }),
    ).toBeUndefined();
    expect(validateParams(createVm, { vmid: 99 })).toEqual({
      vmid: 'value must have a minimum value of 100',
    });
    expect(validateParams(createVm, { vmid: 100, scsi31: 'local:8' })).toHaveProperty('scsi31');
    expect(validateParams(createVm, { vmid: 100, ostype: 'dos' })?.ostype).toMatch(
      /^value 'dos' does not have a value in the enumeration 'other, wxp/,
    );
    expect(validateParams(createVm, { vmid: 100, net0: 'bogus=1' })?.net0).toMatch(/^invalid format - /);
    expect(validateParams(resources, { type: 'vm' })).toBeUndefined();
  });

  it('checks real PBS methods (Rust patterns converted)', () => {
    const gc = method(pbsRoot, '/admin/datastore/{store}/gc', 'POST');
    expect(validateParams(gc, { store: 'store1' })).toBeUndefined();
    expect(validateParams(gc, { store: 'x' })).toEqual({ store: 'value must be at least 3 characters long' });
  });
});
