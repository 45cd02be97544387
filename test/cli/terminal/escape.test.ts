/** The escape sequence of `proxmox console` / `shell`: what leaves, what goes through. */
import { describe, expect, it } from 'vitest';
import { describeEscapeKey, EscapeParser, parseEscapeKey } from '../../../src/cli/terminal/escape.js';

const CTRL_RBRACKET = 0x1d;
const feed = (p: EscapeParser, ...chunks: string[]) =>
  chunks.map((c) => {
    const r = p.feed(Buffer.from(c, 'latin1'));
    return { forward: r.forward.toString('latin1'), leave: r.leave };
  });

describe('EscapeParser', () => {
  it.each([
    ['plain typing goes through', ['ls -l\r'], [{ forward: 'ls -l\r', leave: false }]],
    ['Ctrl-] q leaves; what came before it is still sent', ['ab\x1dq'], [{ forward: 'ab', leave: true }]],
    ['Ctrl-] . leaves too (ssh users type ~.)', ['\x1d.'], [{ forward: '', leave: true }]],
    ['Ctrl-] twice sends one Ctrl-]', ['\x1d\x1dx'], [{ forward: '\x1dx', leave: false }]],
    ['Ctrl-] then another key sends both', ['\x1da'], [{ forward: '\x1da', leave: false }]],
    [
      'the sequence may span two reads (a slow typist)',
      ['x\x1d', 'q'],
      [
        { forward: 'x', leave: false },
        { forward: '', leave: true },
      ],
    ],
    ['Ctrl-C is a key like any other (raw mode sends it on)', ['\x03'], [{ forward: '\x03', leave: false }]],
  ])('%s', (_name, chunks, want) => {
    expect(feed(new EscapeParser(CTRL_RBRACKET), ...chunks)).toEqual(want);
  });

  it('without an escape key (--escape none, or piped input) nothing is special', () => {
    expect(feed(new EscapeParser(undefined), '\x1dq')).toEqual([{ forward: '\x1dq', leave: false }]);
  });
});

describe('--escape', () => {
  it.each([
    [undefined, 0x1d, 'Ctrl-]'],
    ['^]', 0x1d, 'Ctrl-]'],
    ['^a', 0x01, 'Ctrl-A'],
    ['^O', 0x0f, 'Ctrl-O'],
    ['~', 0x7e, "'~'"],
  ])('%s is byte %i (%s)', (text, byte, shown) => {
    expect(parseEscapeKey(text)).toBe(byte);
    expect(describeEscapeKey(byte)).toBe(shown);
  });

  it('none turns it off; anything else is a usage error', () => {
    expect(parseEscapeKey('none')).toBeUndefined();
    expect(() => parseEscapeKey('ctrl-x')).toThrow(/--escape: expected a control key/);
    expect(() => parseEscapeKey('^1')).toThrow(/--escape/);
  });
});
