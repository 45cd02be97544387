/** pvesh's human-readable renderers (pve-common PVE/Format.pm), without a server. */
import { describe, expect, it } from 'vitest';
import { formatOutput } from '../../src/cli/output/render.js';
import { renderBytes, renderDuration, renderValue } from '../../src/cli/output/renderers.js';

describe('renderers, as PVE::Format renders', () => {
  it.each([
    [0, '0.00 B'],
    [1023, '1023.00 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [68719476736, '64.00 GiB'],
    [1024 ** 5 * 3, '3.00 PiB'],
  ])('bytes %d -> %s', (n, text) => {
    expect(renderBytes(n)).toBe(text);
  });

  it.each([
    [0, '0s'],
    [59, '59s'],
    [3661, '1h 1m 1s'],
    // With days, seconds drop; with weeks, minutes too (render_duration's accuracy limit).
    [259216, '3d'],
    [90061, '1d 1h 1m'],
    [8 * 86400 + 3 * 3600 + 120, '1w 1d 3h'],
  ])('duration %d -> %s', (n, text) => {
    expect(renderDuration(n)).toBe(text);
  });

  it('percentages, timestamps, and values that are no numbers', () => {
    expect(renderValue('fraction_as_percentage', 0.1234)).toBe('12.34%');
    expect(renderValue('timestamp_gmt', 0)).toBe('1970-01-01 00:00:00');
    expect(renderValue('timestamp', 86400)).toMatch(/^1970-01-0[12] \d\d:00:00$/);
    expect(renderValue('bytes', 'n/a')).toBeUndefined();
    expect(renderValue('bytes', '2048')).toBe('2.00 KiB');
  });

  it('text output applies them from the return schema; --human-readable 0 and JSON do not', async () => {
    const returns = {
      type: 'object',
      properties: { mem: { type: 'integer', renderer: 'bytes' }, san: { type: 'array', renderer: 'yaml' } },
    };
    const data = { mem: 2048, san: ['a.example', 'b.example'] };
    const human = await formatOutput(data, { format: 'text', utf8: true, returns, noborder: true });
    expect(human).toBe('key value\nmem 2.00 KiB\nsan - a.example\n    - b.example\n');
    const raw = await formatOutput(data, {
      format: 'text',
      utf8: true,
      returns,
      noborder: true,
      humanReadable: false,
    });
    expect(raw).toBe('key value\nmem 2048\nsan ["a.example","b.example"]\n');
    expect(await formatOutput(data, { format: 'json', returns })).toBe(`${JSON.stringify(data)}\n`);
  });
});
