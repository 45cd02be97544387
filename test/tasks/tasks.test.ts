import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTaskFailedError, isTimeoutError, TaskFailedError, TimeoutError } from '../../src/core/errors.js';
import { isUpid, parseUpid } from '../../src/core/upid.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { LogCursor, type LogPageReader } from '../../src/tasks/task-log.js';
import { successWarnings, type TaskHelper, waitIfTask } from '../../src/tasks/tasks.js';
import { type FakeServer, fakeOptions, raw, startFake } from '../fake-proxmox.js';

const PVE_UPID = 'UPID:pve1:0000ABCD:0012D687:6560F00D:qmstart:100:root@pam:';
const PBS_UPID = 'UPID:pbs1:000003E8:00001234:0000000A:6560F00D:garbage_collection:store1:backup@pbs!ci:';

describe('parseUpid', () => {
  const valid: Array<[string, string, Record<string, unknown>]> = [
    [
      'PVE',
      PVE_UPID,
      {
        node: 'pve1',
        pid: 0xabcd,
        pstart: 0x12d687,
        starttime: 0x6560f00d,
        type: 'qmstart',
        id: '100',
        user: 'root@pam',
        format: 'pve',
      },
    ],
    [
      'PBS with task id and token user',
      PBS_UPID,
      {
        node: 'pbs1',
        pid: 1000,
        taskId: 10,
        type: 'garbage_collection',
        user: 'backup@pbs!ci',
        format: 'pbs',
      },
    ],
    [
      'PMG with empty worker id',
      'UPID:pmg:00001A2B:00ABCDEF:6560F00D:clamav_update::root@pam:',
      { node: 'pmg', id: '', type: 'clamav_update' },
    ],
    ['9-digit pstart', 'UPID:n1:00000001:123456789:6560F00D:vzdump::root@pam:', { pstart: 0x123456789 }],
    [
      'PDM remote',
      'prod!UPID:pve2:00000001:00000002:6560F00D:qmstop:101:root@pam:',
      { remote: 'prod', node: 'pve2', type: 'qmstop' },
    ],
  ];
  it.each(valid)('%s', (_name, upid, want) => {
    const got = parseUpid(upid);
    expect(got).toMatchObject({ upid, ...want });
    expect(got.startDate.getTime()).toBe(got.starttime * 1000);
  });

  const invalid: Array<[string, string]> = [
    ['empty', ''],
    ['no prefix', 'pve1:0000ABCD:0012D687:6560F00D:qmstart:100:root@pam:'],
    ['no trailing colon', 'UPID:pve1:0000ABCD:0012D687:6560F00D:qmstart:100:root@pam'],
    ['too few fields', 'UPID:pve1:0000ABCD:6560F00D:qmstart:100:root@pam:'],
    ['too many fields', 'UPID:pve1:0000ABCD:0012D687:1:2:6560F00D:qmstart:100:root@pam:'],
    ['PID not hex', 'UPID:pve1:0000XYZW:0012D687:6560F00D:qmstart:100:root@pam:'],
    ['user without realm', 'UPID:pve1:0000ABCD:0012D687:6560F00D:qmstart:100:root:'],
    ['bad node', 'UPID:-pve:0000ABCD:0012D687:6560F00D:qmstart:100:root@pam:'],
  ];
  it.each(invalid)('refuses %s', (_name, upid) => {
    expect(() => parseUpid(upid)).toThrow(/not a UPID/);
    expect(isUpid(upid)).toBe(false);
  });

  it('parses what Proxmox formats, both layouts (property)', () => {
    const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
        fc.integer({ min: 0, max: 0xffffffff }),
        word,
        fc.oneof(fc.constant(''), fc.integer({ min: 100, max: 999999999 }).map(String), word),
        fc.tuple(word, fc.constantFrom('pam', 'pve', 'pbs'), fc.option(word, { nil: undefined })),
        (node, pid, pstart, taskId, start, type, id, [name, realm, token]) => {
          const user = `${name}@${realm}${token ? `!${token}` : ''}`;
          const task = taskId === undefined ? '' : `${hex8(taskId)}:`;
          const upid = `UPID:${node}:${hex8(pid)}:${hex8(pstart)}:${task}${hex8(start)}:${type}:${id}:${user}:`;
          expect(parseUpid(upid)).toMatchObject({
            node,
            pid,
            pstart,
            starttime: start,
            type,
            id,
            user,
            format: taskId === undefined ? 'pve' : 'pbs',
            ...(taskId === undefined ? {} : { taskId }),
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses non-strings with InvalidArgumentError', () => {
    expect(() => parseUpid(42 as unknown as string)).toThrowError(
      expect.objectContaining({ code: 'PROXMOX_INVALID_ARGUMENT' }),
    );
  });

  it('treats OK and WARNINGS: n as success', () => {
    expect(successWarnings('OK')).toBe(0);
    expect(successWarnings('WARNINGS: 2')).toBe(2);
    expect(successWarnings('command failed')).toBeUndefined();
    expect(successWarnings(undefined)).toBeUndefined();
  });
});

interface ScriptedTask {
  upid: string;
  /** Lines the task writes, one more per status poll. */
  lines: string[];
  exitstatus: string;
  polls: number;
  /** Serve the newest line half written once. */
  partial?: boolean;
  /** Lines written per status poll. @default 1 */
  perPoll?: number;
}

/** Adds status and log routes; the task writes one line per status poll and stops after all. */
function scriptTask(fake: FakeServer, task: ScriptedTask): { written: () => number } {
  let written = 0;
  let halfShown = false;
  const running = () => written < task.lines.length;
  fake.route('GET /nodes/{node}/tasks/{upid}/status', (req) => {
    if (req.params.upid !== task.upid) throw new Error('no such task');
    if (running()) written = Math.min(task.lines.length, written + (task.perPoll ?? 1));
    task.polls++;
    return {
      upid: task.upid,
      node: req.params.node,
      status: running() ? 'running' : 'stopped',
      ...(running() ? {} : { exitstatus: task.exitstatus }),
    };
  });
  fake.route('GET /nodes/{node}/tasks/{upid}/log', (req) => {
    const start = Number(req.query.get('start') ?? 0);
    const limit = Number(req.query.get('limit') ?? 50);
    const visible = task.lines.slice(0, written).map((t, i) => ({ n: i + 1, t }));
    if (visible.length === 0) return { envelope: { data: [{ n: 1, t: 'no content' }], total: 1 } };
    if (task.partial && running() && !halfShown) {
      halfShown = true;
      const last = visible[visible.length - 1]!;
      visible[visible.length - 1] = { n: last.n, t: last.t.slice(0, 3) };
    }
    return { envelope: { data: visible.slice(start, start + limit), total: visible.length } };
  });
  return { written: () => written };
}

describe('tasks over HTTP', () => {
  let fake: FakeServer;
  let px: ProxmoxSDK;
  beforeEach(async () => {
    fake = await startFake();
    px = new ProxmoxSDK(fakeOptions(fake));
  });
  afterEach(async () => {
    await px.close();
    await fake.close();
  });

  it('waits for success, reporting each log line once and progress per poll', async () => {
    const lines = ['starting', 'step 1', 'step 2', 'TASK OK'];
    const task = { upid: PVE_UPID, lines, exitstatus: 'OK', polls: 0, partial: true };
    scriptTask(fake, task);
    const seen: string[] = [];
    const progress: string[] = [];
    const result = await px.tasks.wait(PVE_UPID, {
      onLog: (l) => seen.push(l),
      onProgress: (s) => progress.push(s.status),
    });
    expect(result).toMatchObject({ status: 'stopped', exitstatus: 'OK', warnings: 0 });
    expect(seen).toEqual(lines);
    expect(progress.at(-1)).toBe('stopped');
    expect(progress.length).toBe(task.polls);
    // The path carries the whole UPID as one encoded segment.
    expect(fake.requests[0]!.path).toBe(`/nodes/pve1/tasks/${encodeURIComponent(PVE_UPID)}/status`);
  });

  it('treats WARNINGS: n as success and exposes the count', async () => {
    scriptTask(fake, {
      upid: PVE_UPID,
      lines: ['x', 'TASK WARNINGS: 2'],
      exitstatus: 'WARNINGS: 2',
      polls: 0,
    });
    const result = await px.tasks.wait(PVE_UPID);
    expect(result.warnings).toBe(2);
  });

  it('throws TaskFailedError with exit status, UPID and the last log lines', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    lines.push('TASK ERROR: storage full');
    scriptTask(fake, { upid: PVE_UPID, lines, exitstatus: 'storage full', polls: 0, perPoll: 10 });
    const error = await px.tasks.wait(PVE_UPID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(isTaskFailedError(error)).toBe(true);
    const failed = error as TaskFailedError;
    expect(failed.exitStatus).toBe('storage full');
    expect(failed.upid).toBe(PVE_UPID);
    expect(failed.message).toContain('storage full');
    expect(failed.log).toHaveLength(20);
    expect(failed.log.at(-1)).toBe('TASK ERROR: storage full');
    expect(JSON.stringify(failed.toJSON())).not.toContain(fakeOptions(fake).tokenValue);
  });

  it('times out with TimeoutError saying the task is still running', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `l${i}`);
    scriptTask(fake, { upid: PVE_UPID, lines, exitstatus: 'OK', polls: 0 });
    const started = Date.now();
    const error = await px.tasks.wait(PVE_UPID, { timeout: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as Error).message).toMatch(/still running/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops waiting when the signal fires', async () => {
    scriptTask(fake, { upid: PVE_UPID, lines: Array(1000).fill('x'), exitstatus: 'OK', polls: 0 });
    const error = await px.tasks
      .wait(PVE_UPID, { signal: AbortSignal.timeout(200) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROXMOX_ABORTED' });
    expect((error as Error).message).toMatch(/keeps running/);
  });

  it('backs off between polls (first ~100 ms, capped at 2 s)', async () => {
    const task = { upid: PVE_UPID, lines: Array(6).fill('x'), exitstatus: 'OK', polls: 0 };
    scriptTask(fake, task);
    const started = Date.now();
    await px.tasks.wait(PVE_UPID);
    // 100 + 150 + 225 + 337 + 506 ms between 6 polls: well above 6 x 100 ms, below 6 x 2 s.
    const took = Date.now() - started;
    expect(took).toBeGreaterThan(1_000);
    expect(took).toBeLessThan(6_000);
  });

  it('follows the log without repeats or gaps, ending when the task stops', async () => {
    const lines = Array.from({ length: 1203 }, (_, i) => `line ${i + 1}`);
    // Many lines per poll: pages of 500 have to be stitched together.
    let written = 0;
    fake.route('GET /nodes/{node}/tasks/{upid}/status', () => {
      written = Math.min(lines.length, written + 317);
      return { upid: PVE_UPID, status: written < lines.length ? 'running' : 'stopped', exitstatus: 'OK' };
    });
    fake.route('GET /nodes/{node}/tasks/{upid}/log', (req) => {
      const start = Number(req.query.get('start'));
      const limit = Number(req.query.get('limit'));
      const visible = lines.slice(0, written).map((t, i) => ({ n: i + 1, t }));
      return { envelope: { data: visible.slice(start, start + limit), total: visible.length } };
    });
    const got: string[] = [];
    for await (const line of px.tasks.log(PVE_UPID)) got.push(line);
    expect(got).toEqual(lines);
  });

  it('log without follow reads what is there', async () => {
    scriptTask(fake, { upid: PVE_UPID, lines: ['a', 'b', 'c'], exitstatus: 'OK', polls: 0 });
    await px.tasks.status(PVE_UPID);
    await px.tasks.status(PVE_UPID);
    const got: string[] = [];
    for await (const line of px.tasks.log(PVE_UPID, { follow: false })) got.push(line);
    expect(got).toEqual(['a', 'b']);
  });

  it('reads PBS-style UPIDs from the node in the UPID', async () => {
    scriptTask(fake, { upid: PBS_UPID, lines: ['TASK OK'], exitstatus: 'OK', polls: 0 });
    await expect(px.tasks.wait(PBS_UPID)).resolves.toMatchObject({ exitstatus: 'OK' });
    expect(fake.requests[0]!.path).toMatch(/^\/nodes\/pbs1\/tasks\//);
  });

  it('refuses a malformed UPID before sending anything', async () => {
    await expect(px.tasks.wait('UPID:broken')).rejects.toMatchObject({ code: 'PROXMOX_INVALID_ARGUMENT' });
    expect(fake.requests).toHaveLength(0);
  });

  it('waitIfTask waits for UPIDs and passes other answers through', async () => {
    scriptTask(fake, { upid: PVE_UPID, lines: ['TASK OK'], exitstatus: 'OK', polls: 0 });
    fake.route('POST /nodes/{node}/qemu/{vmid}/status/start', () => PVE_UPID);
    const helper = px.tasks as TaskHelper;
    const upid = await px.nodes('pve1').qemu(100).status.start.post();
    await expect(waitIfTask(helper, upid, true)).resolves.toMatchObject({ exitstatus: 'OK' });
    await expect(waitIfTask(helper, upid, false)).resolves.toBe(upid);
    await expect(waitIfTask(helper, { not: 'a upid' }, true)).resolves.toEqual({ not: 'a upid' });
  });

  it('a task-starting call with { wait: true } resolves to the final status', async () => {
    scriptTask(fake, { upid: PVE_UPID, lines: ['TASK OK'], exitstatus: 'OK', polls: 0 });
    fake.route('POST /nodes/{node}/qemu/{vmid}/status/start', () => PVE_UPID);
    const viaClient = await px.nodes('pve1').qemu(100).status.start.post({}, { wait: true });
    expect(viaClient).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
  });

  it('surfaces a failing status request as the API error', async () => {
    fake.route('GET /nodes/{node}/tasks/{upid}/status', () => raw(403, '{"data":null}'));
    await expect(px.tasks.wait(PVE_UPID)).rejects.toMatchObject({
      code: 'PROXMOX_RESOURCE',
      statusCode: 403,
    });
  });
});

describe('LogCursor', () => {
  /** A log that grows by `growth[i]` lines per drain, its newest line half written while running. */
  function reader(
    lines: string[],
    state: { written: number; running: boolean; pageCut?: number },
  ): LogPageReader {
    return async (start, limit) => {
      const visible = lines.slice(0, state.written).map((t, i) => ({ n: i + 1, t }));
      if (visible.length === 0) return { lines: [{ n: 1, t: 'no content' }], total: 1 };
      if (state.running) {
        const last = visible.at(-1)!;
        visible[visible.length - 1] = { n: last.n, t: last.t.slice(0, Math.ceil(last.t.length / 2)) };
      }
      // Servers may also answer fewer lines than asked for.
      const cut = Math.min(limit, state.pageCut ?? limit);
      return { lines: visible.slice(start, start + cut), total: visible.length };
    };
  }

  it('skips the "no content" placeholder and holds back a half-written last line', async () => {
    const lines = ['first line', 'second line', 'third line'];
    const state = { written: 0, running: true };
    const cursor = new LogCursor(reader(lines, state));
    expect(await cursor.drain(false)).toEqual([]);
    state.written = 2;
    expect(await cursor.drain(false)).toEqual(['first line']);
    state.written = 3;
    state.running = false;
    expect(await cursor.drain(true)).toEqual(['second line', 'third line']);
    expect(await cursor.drain(true)).toEqual([]);
  });

  it('never repeats or skips a line, whatever the growth and page sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 1200 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 700 }),
        async (growth, pageCut) => {
          const total = growth.reduce((a, b) => a + b, 0);
          const lines = Array.from({ length: total }, (_, i) => `line ${i + 1} of the task log`);
          const state = { written: 0, running: true, pageCut };
          const cursor = new LogCursor(reader(lines, state));
          const seen: string[] = [];
          for (const g of growth) {
            state.written += g;
            seen.push(...(await cursor.drain(false)));
          }
          state.running = false;
          seen.push(...(await cursor.drain(true)));
          expect(seen).toEqual(lines);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('tasks on the HTTPS simulator', () => {
  let sim: RunningSimulator;
  let px: ProxmoxSDK;
  beforeAll(async () => {
    // Tasks run 1.5 s of (real) simulator time, so polling, following and timeouts happen.
    sim = await startSimulator({ service: 'PVE', taskDurationMs: 1_500 });
    px = new ProxmoxSDK({
      host: `${sim.host}:${sim.port}`,
      fingerprint: sim.fingerprint,
      user: 'root@pam',
      password: 'proxmox',
    });
  });
  afterAll(async () => {
    await px?.close();
    await sim?.close();
  });

  it('times out while the task runs, then waits it out, then follows its finished log', async () => {
    const upid: string = await px.nodes('pve1').qemu(100).status.stop.post();
    expect(parseUpid(upid)).toMatchObject({ node: 'pve1', type: 'qmstop', id: '100', user: 'root@pam' });
    await expect(px.tasks.wait(upid, { timeout: 200 })).rejects.toMatchObject({ code: 'PROXMOX_TIMEOUT' });
    const polls: string[] = [];
    const lines: string[] = [];
    const result = await px.tasks.wait(upid, {
      onLog: (l) => lines.push(l),
      onProgress: (s) => polls.push(s.status),
    });
    expect(result).toMatchObject({ exitstatus: 'OK', type: 'qmstop' });
    expect(polls.at(0)).toBe('running');
    expect(lines.at(-1)).toBe('TASK OK');
    const followed: string[] = [];
    for await (const line of px.tasks.log(upid)) followed.push(line);
    expect(followed).toEqual(lines);
  });

  it('{ wait: true } on the client', async () => {
    const status = await px.nodes('pve1').qemu(100).status.start.post({}, { wait: true });
    expect(status).toMatchObject({ exitstatus: 'OK' });
  });
});
