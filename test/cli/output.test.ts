/** pvesh's text layout and the other formats, byte for byte, without a server. */
import { describe, expect, it } from 'vitest';
import { formatOutput, localeIsUtf8, type OutputOptions } from '../../src/cli/output/render.js';
import { canonicalJson, cellText, renderTable } from '../../src/cli/output/text-table.js';

const text = (data: unknown, o: Partial<OutputOptions> = {}) =>
  formatOutput(data, { format: 'text', utf8: true, ...o });

describe('text, as pvesh prints it', () => {
  it('an object: a framed key/value table sorted by key, a double rule under the header, rules between rows', async () => {
    expect(await text({ version: '9.0.3', release: '9.0' })).toBe(
      [
        '┌─────────┬───────┐',
        '│ key     │ value │',
        '╞═════════╪═══════╡',
        '│ release │ 9.0   │',
        '├─────────┼───────┤',
        '│ version │ 9.0.3 │',
        '└─────────┴───────┘',
        '',
      ].join('\n'),
    );
  });

  it('ASCII frames when the locale is not UTF-8', async () => {
    expect(await text({ a: 1 }, { utf8: false })).toBe(
      [
        '+-----+-------+',
        '| key | value |',
        '+=====+=======+',
        '| a   | 1     |',
        '+-----+-------+',
        '',
      ].join('\n'),
    );
  });

  it('without border and header: padded columns, the last one unpadded', async () => {
    expect(await text({ a: 1, long: 'x' }, { noborder: true, noheader: true })).toBe('a    1\nlong x\n');
  });

  it('a list of objects: schema columns, required first, sorted numerically by an integer first column, right-aligned', async () => {
    const returns = {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          vmid: { type: 'integer' },
          name: { type: 'string', optional: true },
          extra: { optional: true },
        },
      },
    };
    const out = await text(
      [
        { vmid: 100, name: 'a', hidden: 'never' },
        { vmid: 20, name: 'b' },
      ],
      { returns, noborder: true },
    );
    expect(out).toBe('vmid extra name\n  20       b\n 100       a\n');
  });

  it('a list of objects without a schema: every key, sorted, sorted by the first column', async () => {
    expect(await text([{ b: 'y', a: 2 }, { a: 1 }], { noborder: true })).toBe('a b\n1 \n2 y\n');
  });

  it('a list of scalars: one column without header; a scalar: one plain line; null: nothing', async () => {
    expect(await text(['b', 'a'], { noborder: true })).toBe('a\nb\n');
    expect(await text('UPID:x')).toBe('UPID:x\n');
    expect(await text(null)).toBe('');
    expect(await text([])).toBe('');
  });

  it('multi-line cells grow the row; nested values print as canonical JSON; booleans as 1/0', async () => {
    const out = await text({ log: 'one\ntwo', nested: { z: 1, a: [true] }, ok: true });
    expect(out).toContain('│ log    │ one                │\n│        │ two                │');
    expect(out).toContain('{"a":[true],"z":1}');
    expect(out).toMatch(/│ ok +│ 1 +│/);
  });

  it('cuts every line at the terminal width', async () => {
    const out = await text({ key: 'a'.repeat(50) }, { columns: 20 });
    for (const line of out.trimEnd().split('\n')) expect([...line]).toHaveLength(20);
  });

  it('table frames scalars and lists of scalars with a header', async () => {
    expect(await formatOutput('x', { format: 'table', utf8: true })).toBe(
      '┌───────┐\n│ value │\n╞═══════╡\n│ x     │\n└───────┘\n',
    );
  });
});

describe('machine formats', () => {
  const data = { b: [1, { c: null }], a: 'ü' };
  it('json is JSON.stringify and a newline, whatever the terminal width', async () => {
    expect(await formatOutput(data, { format: 'json', columns: 20 })).toBe(`${JSON.stringify(data)}\n`);
    expect(await formatOutput(undefined, { format: 'json' })).toBe('null\n');
  });
  it('json-pretty indents by two', async () => {
    expect(await formatOutput(data, { format: 'json-pretty' })).toBe(`${JSON.stringify(data, null, 2)}\n`);
  });
  it('yaml starts with the document marker', async () => {
    expect(await formatOutput({ a: 1 }, { format: 'yaml' })).toBe('---\na: 1\n');
    expect(await formatOutput('x', { format: 'yaml' })).toBe('--- x\n');
  });
});

describe('helpers', () => {
  it('numbers print with 15 significant digits, as Perl does', () => {
    expect(cellText(0.1 + 0.2)).toBe('0.3');
    expect(cellText(24051816857)).toBe('24051816857');
  });
  it('canonicalJson sorts keys at every level', () => {
    expect(canonicalJson({ b: { d: 1, c: 2 }, a: [{ y: 1, x: 2 }] })).toBe(
      '{"a":[{"x":2,"y":1}],"b":{"c":2,"d":1}}',
    );
  });
  it('widths count characters, not UTF-16 units', () => {
    const out = renderTable([{ v: '😀ä' }], ['v'], { border: true, header: false, utf8: true });
    expect(out).toBe('┌────┐\n│ 😀ä │\n└────┘\n');
  });
  it('UTF-8 frames unless the locale says otherwise', () => {
    expect(localeIsUtf8({})).toBe(true);
    expect(localeIsUtf8({ LANG: 'en_US.UTF-8' })).toBe(true);
    expect(localeIsUtf8({ LANG: 'C' })).toBe(false);
    expect(localeIsUtf8({ LC_ALL: 'de_DE.utf8', LANG: 'C' })).toBe(true);
  });
});
