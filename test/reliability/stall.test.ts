/**
 * `timeout` and AbortSignal end a stalled request and leave no open handles (issue 9), on
 * every backend: each case runs in a child process that must settle the request with the
 * right error code, on time, and then exit by itself without close() (bounded waits; an
 * exit check, not a timing assertion). The ssh and openssh rows run against the sshd
 * fixture (test/integration/sshd): without sshd (or root) they fail, never skip.
 * `npm run reliability` runs the same rows plus closed-client and forking-tool variants.
 */
import { describe, expect, it } from 'vitest';
import { runStall, type StallCase } from '../../reliability/scenarios/stall.js';

const BACKENDS = ['https', 'mock', 'local', 'ssh', 'openssh'] as const;
const CASES: StallCase[] = BACKENDS.flatMap((backend) => [
  { backend, mode: 'timeout' as const },
  { backend, mode: 'abort' as const },
]);
/** How late after its timeout (or abort) a call may end: generous, for a loaded CI machine. */
const SLACK_MS = 2000;

describe('stalled requests end and the process exits, on every backend', () => {
  it('https, mock, local, ssh, openssh: timeout and AbortSignal, client not closed', async () => {
    const rows = await runStall(CASES);
    for (const row of rows) {
      expect({ ...row, pass: undefined, exitAfterMs: undefined }).toMatchObject({
        backend: row.backend,
        mode: row.mode,
        ended: row.mode === 'timeout' ? 'PROXMOX_TIMEOUT' : 'PROXMOX_ABORTED',
        exited: true,
        exitCode: 0,
        leftProcess: false,
      });
      expect(row.endedAfterMs, `${row.backend} ${row.mode}`).toBeLessThanOrEqual(row.limitMs + SLACK_MS);
    }
  }, 180_000);
});
