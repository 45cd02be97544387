/** `proxmox vnc --listen`: the forms an admin types, and the refusals. */
import { describe, expect, it } from 'vitest';
import { parseListen } from '../../../src/cli/commands/vnc.js';

describe('--listen', () => {
  it.each([
    [undefined, { host: '127.0.0.1', port: 5900 }],
    ['127.0.0.1:5901', { host: '127.0.0.1', port: 5901 }],
    ['5902', { host: '127.0.0.1', port: 5902 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:5900', { host: '::1', port: 5900 }],
    ['0.0.0.0:5900', { host: '0.0.0.0', port: 5900 }],
    ['localhost:5900', { host: 'localhost', port: 5900 }],
  ])('%s', (text, want) => {
    expect(parseListen(text)).toEqual(want);
  });

  it.each(['nonsense', '127.0.0.1', '127.0.0.1:70000', ':x', '::1:5900'])('refuses %s', (text) => {
    expect(() => parseListen(text)).toThrow(/--listen: expected HOST:PORT/);
  });
});
