import { describe, expect, it } from 'vitest';
import { taskKind } from '../../codegen/tasks.js';
import type { RawMethod } from '../../codegen/types.js';

describe('taskKind', () => {
  const cases: [
    string,
    { given: [Parameters<typeof taskKind>[0], string, RawMethod]; want: ReturnType<typeof taskKind> },
  ][] = [
    [
      'PVE bare string from a POST',
      {
        given: ['POST', '/nodes/{node}/qemu', { method: 'POST', returns: { type: 'string' } }],
        want: 'upid',
      },
    ],
    [
      'PVE bare string from a GET is not a task',
      {
        given: ['GET', '/nodes/{node}/report', { method: 'GET', returns: { type: 'string' } }],
        want: undefined,
      },
    ],
    [
      'string with a format is not a task',
      {
        given: ['POST', '/x', { method: 'POST', returns: { type: 'string', format: 'mac-addr' } }],
        want: undefined,
      },
    ],
    [
      'a description naming something else',
      {
        given: ['POST', '/x', { method: 'POST', returns: { type: 'string', description: 'The new id' } }],
        want: undefined,
      },
    ],
    [
      'a description naming the task',
      {
        given: ['POST', '/x', { method: 'POST', returns: { type: 'string', description: 'the task UPID' } }],
        want: 'upid',
      },
    ],
    [
      'known exception',
      {
        given: ['POST', '/nodes/{node}/qemu/{vmid}/monitor', { method: 'POST', returns: { type: 'string' } }],
        want: undefined,
      },
    ],
    [
      'PBS UPID pattern',
      {
        given: [
          'POST',
          '/x',
          { method: 'POST', returns: { type: 'string', pattern: '/^UPID:(?P<node>x):$/' } },
        ],
        want: 'upid',
      },
    ],
    [
      'PDM remote UPID',
      {
        given: ['POST', '/x', { method: 'POST', returns: { type: 'string', minLength: 42 } }],
        want: 'remote-upid',
      },
    ],
    ['no return', { given: ['POST', '/x', { method: 'POST' }], want: undefined }],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(taskKind(...given)).toBe(want);
  });
});
