/**
 * Bad input, property-based (issue 9): UPIDs and host-tool (pvesh) outputs. A UPID either
 * parses into the fields it was made of or is refused with InvalidArgumentError; a tool's
 * output becomes a result or a typed error, and a non-zero exit is never a success.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/client/pipeline.js';
import { Redactor } from '../../src/core/redact.js';
import { parseUpid } from '../../src/core/upid.js';
import { isInvalidArgumentError, isProxmoxError } from '../../src/index.js';
import { parseShellOutput } from '../../src/transports/shell/output.js';

const hex = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabcdef'), minLength: min, maxLength: max });
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const nodeName = fc
  .tuple(alnum, fc.string({ unit: fc.constantFrom(...'abcxyz019.-'), maxLength: 12 }), alnum)
  .map(([a, mid, z]) => a + mid + z);
const word = fc.string({ unit: fc.constantFrom(...'abcz09_-.!@/\\'), minLength: 1, maxLength: 12 });
const user = fc.tuple(word, word).map(([u, r]) => `${u.replace(/[@!]/g, 'x')}@${r.replace(/[@!]/g, 'x')}`);

interface Parts {
  node: string;
  pid: string;
  pstart: string;
  taskId?: string;
  starttime: string;
  type: string;
  id: string;
  user: string;
}

const pveParts = fc.record({
  node: nodeName,
  pid: hex(8, 8),
  pstart: hex(8, 9),
  starttime: hex(8, 8),
  type: word,
  id: fc.oneof(fc.constant(''), word),
  user,
});
const pbsParts = fc.tuple(pveParts, hex(8, 16)).map(([p, taskId]): Parts => ({ ...p, taskId }));

function format(p: Parts): string {
  const fields = [p.node, p.pid, p.pstart, ...(p.taskId === undefined ? [] : [p.taskId]), p.starttime];
  return `UPID:${[...fields, p.type, p.id, p.user].join(':')}:`;
}

describe('parseUpid', () => {
  it('parses every well-formed PVE/PMG and PBS/PDM UPID back into its fields', () => {
    fc.assert(
      fc.property(fc.oneof(pveParts, pbsParts), (p: Parts) => {
        const u = parseUpid(format(p));
        expect(u).toMatchObject({
          node: p.node,
          pid: Number.parseInt(p.pid, 16),
          pstart: Number.parseInt(p.pstart, 16),
          starttime: Number.parseInt(p.starttime, 16),
          type: p.type,
          id: p.id,
          user: p.user,
          format: p.taskId === undefined ? 'pve' : 'pbs',
        });
        if (p.taskId !== undefined) expect(u.taskId).toBe(Number.parseInt(p.taskId, 16));
      }),
      { numRuns: 500 },
    );
  });

  it('anything else is refused with InvalidArgumentError, never another error or a wrong parse', () => {
    const noisy = fc
      .array(
        fc.oneof(fc.constantFrom('UPID', ':', '!', '@', ' ', '\n', '0000ABCD'), fc.string({ maxLength: 6 })),
        {
          maxLength: 14,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(noisy, fc.string(), fc.anything()), (input) => {
        let u: ReturnType<typeof parseUpid>;
        try {
          u = parseUpid(input as string);
        } catch (error) {
          expect(isInvalidArgumentError(error)).toBe(true);
          return;
        }
        // Accepted: then it must be a UPID whose fields are what the text says.
        const text = String(input).trim();
        const body = text.slice(text.indexOf('UPID:') + 5, -1).split(':');
        expect(body[0]).toBe(u.node);
        expect(body.at(-1)).toBe(u.user);
        expect(body.at(-3)).toBe(u.type);
        expect(Number.parseInt(body[1]!, 16)).toBe(u.pid);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('host tool (pvesh) outputs', () => {
  const lines = fc.array(
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '400 Parameter verification failed.',
        'vmid: invalid format',
        '500 VM 100 already running',
        '{"data":1}',
        '"UPID:pve1:0000ABCD:0000ABCD:6554AB12:qmstart:100:root@pam:"',
        'null',
        'warning: something',
        '403 Permission check failed',
      ),
    ),
    { maxLength: 6 },
  );
  const output = fc.record({
    stdout: lines.map((l) => l.join('\n')),
    stderr: lines.map((l) => l.join('\n')),
    exitCode: fc.oneof(fc.constant(0), fc.constant(null), fc.integer({ min: 1, max: 255 })),
    signal: fc.constantFrom(null, 'SIGTERM', 'SIGKILL'),
  });

  it('a run becomes a result or a typed error; a non-zero exit is never a success', () => {
    const redactor = new Redactor();
    fc.assert(
      fc.property(output, fc.constantFrom('GET', 'POST') as fc.Arbitrary<'GET' | 'POST'>, (run, method) => {
        const res = parseShellOutput(run);
        let failed = false;
        try {
          decode(res, method, '/nodes/pve1/qemu', false, redactor);
        } catch (error) {
          failed = true;
          expect(isProxmoxError(error)).toBe(true);
        }
        expect(failed).toBe(run.exitCode !== 0);
      }),
      { numRuns: 2000 },
    );
  });
});
