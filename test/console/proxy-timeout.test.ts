/**
 * A console proxy waits 10 seconds for its client, then gives up: termproxy's
 * listen_and_accept (pve-xtermjs termproxy/src/main.rs, "failed waiting for client: timed
 * out", exit 1, which run_command turns into the task's status), and the port is free again
 * (PVE::Tools::next_vnc_port finds it). On the engine alone, with the timers faked.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { SimulatorEngine } from '../../src/simulator/index.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

it('a termproxy nobody connects to ends after 10 s: task error with termproxy command line, message in the log, port reused', async () => {
  const engine = new SimulatorEngine({ service: 'PVE', taskDurationMs: 0 });
  const first = await engine.call('POST', '/nodes/pve1/termproxy');
  const { port, upid } = first.data as { port: number; upid: string };
  const status = async () =>
    (await engine.call('GET', `/nodes/pve1/tasks/${upid}/status`)).data as {
      status: string;
      exitstatus?: string;
    };
  vi.advanceTimersByTime(9_900);
  expect((await status()).status).toBe('running');
  // While it waits, the next proxy gets the next port.
  const second = await engine.call('POST', '/nodes/pve1/termproxy');
  expect((second.data as { port: number }).port).toBe(port + 1);

  vi.advanceTimersByTime(200);
  const done = await status();
  expect(done.status).toBe('stopped');
  expect(done.exitstatus).toBe(
    `command '/usr/bin/termproxy ${port} --path /nodes/pve1 --perm Sys.Console --vncticket-endpoint --verify-port --ticket-fd 3 -- /bin/login -f root' failed: exit code 1`,
  );
  const log = (await engine.call('GET', `/nodes/pve1/tasks/${upid}/log`)).data as Array<{
    t: string;
  }>;
  expect(log.map((l) => l.t)).toContain('failed waiting for client: timed out');
  const third = await engine.call('POST', '/nodes/pve1/termproxy');
  expect((third.data as { port: number }).port).toBe(port);
});
