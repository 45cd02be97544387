import { describe, expect, it } from 'vitest';
import { isProxmoxError, PropertyStringError } from '../../src/core/errors.js';
import { root } from '../../src/generated/pve/schema.js';
import type { JsonSchema, SchemaNode } from '../../src/generated/schema-types.js';
import { formatPropertyString, parsePropertyString } from '../../src/schema/property-string.js';

function param(path: string, method: 'POST' | 'PUT', name: string): JsonSchema {
  let node: SchemaNode | undefined = root;
  for (const seg of path.split('/').filter(Boolean)) node = node?.children.find((c) => c.segment === seg);
  const s = node?.methods[method]?.parameters?.properties?.[name];
  if (!s) throw new Error(`no ${name} at ${method} ${path}`);
  return s;
}

const qemuNet = param('/nodes/{node}/qemu', 'POST', 'net[n]');
const tiny: Record<string, JsonSchema> = {
  file: { type: 'string', default_key: true },
  size: { type: 'integer', optional: true },
  ssd: { type: 'boolean', optional: true },
  flags: { type: 'array', items: { type: 'string' }, optional: true },
};

describe('formatPropertyString', () => {
  const cases: [string, { given: Parameters<typeof formatPropertyString>; want: string }][] = [
    [
      'default key first and bare, booleans as 1/0',
      { given: [{ ssd: true, file: 'local:8', size: 8 }, tiny], want: 'local:8,size=8,ssd=1' },
    ],
    ['lists joined with ;', { given: [{ file: 'x', flags: ['a', 'b'] }, tiny], want: 'x,flags=a;b' }],
    ['undefined and null left out', { given: [{ file: 'x', size: undefined, ssd: null }, tiny], want: 'x' }],
    ['a default value holding = gets its key', { given: [{ file: 'a=b' }, tiny], want: 'file=a=b' }],
    ['without a format: input order', { given: [{ b: 1, a: false }], want: 'b=1,a=0' }],
    [
      'NIC key alias written as model=MAC',
      {
        given: [{ model: 'virtio', macaddr: 'BC:24:11:00:00:01', bridge: 'vmbr0', firewall: true }, qemuNet],
        want: 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1',
      },
    ],
    [
      'NIC without MAC: bare model',
      { given: [{ model: 'e1000', bridge: 'vmbr1' }, qemuNet], want: 'e1000,bridge=vmbr1' },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(formatPropertyString(...given)).toBe(want);
  });

  it('refuses keys the format does not know and values with commas', () => {
    expect(() => formatPropertyString({ file: 'x', bogus: 1 }, tiny)).toThrow(PropertyStringError);
    // A ProxmoxError like every other error the SDK throws, with its own code.
    const error = (() => {
      try {
        formatPropertyString({ file: 'x', bogus: 1 }, tiny);
      } catch (e) {
        return e;
      }
    })();
    expect(isProxmoxError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'PROXMOX_PROPERTY_STRING', name: 'PropertyStringError' });
    expect(() => formatPropertyString({ file: 'a,b' }, tiny)).toThrow(/comma/);
  });
});

describe('parsePropertyString', () => {
  const cases: [string, { given: Parameters<typeof parsePropertyString>; want: unknown }][] = [
    [
      'typed by the format',
      {
        given: ['local:8,size=8,ssd=on,flags=a;b', tiny],
        want: { file: 'local:8', size: 8, ssd: true, flags: ['a', 'b'] },
      },
    ],
    ['untyped without a format', { given: ['a=1,b=x'], want: { a: '1', b: 'x' } }],
    ['empty parts skipped', { given: ['file=x,,', tiny], want: { file: 'x' } }],
    [
      'NIC key alias read back',
      {
        given: ['virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1', qemuNet],
        want: { model: 'virtio', macaddr: 'BC:24:11:00:00:01', bridge: 'vmbr0', firewall: true },
      },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(parsePropertyString(...given)).toEqual(want);
  });

  const failures: [string, { given: Parameters<typeof parsePropertyString>; want: string }][] = [
    [
      'duplicate key',
      { given: ['size=1,size=2', tiny], want: 'duplicate key in comma-separated list property: size' },
    ],
    [
      'second bare value',
      { given: ['a,b', tiny], want: 'duplicate key in comma-separated list property: file' },
    ],
    [
      'unknown key',
      { given: ['file=x,bogus=1', tiny], want: 'invalid key in comma-separated list property: bogus' },
    ],
    [
      'bare value without default key',
      { given: ['x'], want: 'value without key, but schema does not define a default key' },
    ],
    ['missing key', { given: ['=x', tiny], want: 'missing key in comma-separated list property' }],
  ];
  it.each(failures)('fails on %s', (_name, { given, want }) => {
    expect(() => parsePropertyString(...given)).toThrow(want);
  });

  it('round-trips a PVE NIC', () => {
    const text = 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=10';
    expect(formatPropertyString(parsePropertyString(text, qemuNet) as never, qemuNet)).toBe(text);
  });
});
