import { describe, expect, it } from 'vitest';
import { encodeSegment, formEncode, jsonBody, paramPairs } from '../../src/core/encode.js';
import { isInvalidArgumentError } from '../../src/core/errors.js';

describe('paramPairs', () => {
  it.each([
    [
      'booleans as 1/0',
      { a: true, b: false },
      [
        ['a', '1'],
        ['b', '0'],
      ],
    ],
    [
      'numbers as decimal text',
      { vmid: 100, cpu: 0.5 },
      [
        ['vmid', '100'],
        ['cpu', '0.5'],
      ],
    ],
    [
      'arrays as repeated keys',
      { command: ['ls', '-l'] },
      [
        ['command', 'ls'],
        ['command', '-l'],
      ],
    ],
    ['undefined and null left out', { a: undefined, b: null, c: 'x' }, [['c', 'x']]],
    ['empty string kept', { description: '' }, [['description', '']]],
  ] as const)('%s', (_name, given, want) => {
    expect(paramPairs(given)).toEqual(want);
  });

  it.each([
    ['an object value', { net0: { bridge: 'vmbr0' } }],
    ['NaN', { memory: Number.NaN }],
    ['Infinity', { memory: Number.POSITIVE_INFINITY }],
    ['a nested array', { a: [['x']] }],
  ])('refuses %s with a typed error naming the parameter', (_name, given) => {
    try {
      paramPairs(given as never);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidArgumentError(error)).toBe(true);
      expect((error as Error).message).toMatch(/^parameter /);
    }
  });
});

describe('formEncode', () => {
  it('percent-encodes keys and values, spaces as %20', () => {
    expect(
      formEncode([
        ['name', 'a b&c=d'],
        ['x+y', 'ü/?#'],
      ]),
    ).toBe('name=a%20b%26c%3Dd&x%2By=%C3%BC%2F%3F%23');
  });
});

describe('jsonBody', () => {
  it('sends booleans as 1/0 for PVE/PMG and true/false for PBS/PDM', () => {
    expect(JSON.parse(jsonBody({ start: true, tags: ['a'] }, 'int'))).toEqual({ start: 1, tags: ['a'] });
    expect(JSON.parse(jsonBody({ start: true }, 'bool'))).toEqual({ start: true });
  });
});

describe('encodeSegment', () => {
  it.each([
    ['pve1', 'pve1'],
    [100, '100'],
    ['local:iso/x.iso', 'local%3Aiso%2Fx.iso'],
    ['../etc', '..%2Fetc'],
    ['a?b#c', 'a%3Fb%23c'],
    ['a b', 'a%20b'],
    ['knoten-ü', 'knoten-%C3%BC'],
    ['%2e%2e', '%252e%252e'],
  ])('%j -> %s', (given, want) => {
    expect(encodeSegment(given)).toBe(want);
  });

  it.each([[''], ['.'], ['..'], [null], [undefined], [{}], [[1]], [Number.NaN], [true]])(
    'refuses %j',
    (given) => {
      expect(() => encodeSegment(given)).toThrow(/path segment/);
    },
  );
});
