/**
 * `proxmox bulk` through the built binary against the HTTPS simulator (issue 18, the CLI's
 * progress bar): a result per guest, a failure that stops nothing (exit 5), lookups that
 * fail before anything is done, the confirmation for filters that power guests off, and
 * the bar on a real terminal (plain lines without one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import type { TaskSpec } from '../../src/simulator/state/tasks.js';
import { cliBin, proxmox, proxmoxInPty, simulatorEnv } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator({ taskDurationMs: 200 });
  env = await simulatorEnv(sim, {
    PROXMOX_USER: 'root@pam',
    PROXMOX_PASSWORD: 'proxmox',
  });
});
afterAll(() => sim?.close());

interface Row {
  vmid: number;
  name: string;
  node: string;
  ok: number;
  result: string;
  tasks: string[];
}

const guests = () => [...sim.engine.cluster.guests.values()].filter((g) => !g.template);
const onNode = (node: string, status: string) =>
  guests()
    .filter((g) => g.node === node && g.status === status)
    .map((g) => g.vmid)
    .sort((a, b) => a - b);
const bulk = (args: string[]) =>
  proxmox(['bulk', ...args, '--output-format', 'json'], { env, timeout: 60_000 });

describe('proxmox bulk', () => {
  it('starts every stopped guest of a node: one result each, plain progress lines without a terminal', async () => {
    const stopped = onNode('pve1', 'stopped');
    expect(stopped.length).toBeGreaterThan(1);
    const r = await bulk(['start', '--all-stopped', '--node', 'pve1']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((x) => x.vmid)).toEqual(stopped);
    expect(rows.every((x) => x.ok === 1 && x.result === 'started' && x.tasks.length === 1)).toBe(true);
    expect(onNode('pve1', 'stopped')).toEqual([]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(stopped.length + 1);
    for (const vmid of stopped)
      expect(r.stderr).toMatch(
        new RegExp(`^ok   start ${vmid} \\S+ on pve1: started \\(\\d+\\.\\ds\\)$`, 'm'),
      );
    expect(lines.at(-1)).toMatch(new RegExp(`^bulk start: ${stopped.length} of ${stopped.length} done \\(`));
    expect(r.stderr).not.toMatch(/\x1b/);
  });

  it('takes vmids and names; a guest already in the state is a success that changed nothing', async () => {
    const [a, b] = onNode('pve2', 'running');
    const guest = guests().find((g) => g.vmid === b)!;
    const named = guest.config.name ?? guest.config.hostname!;
    const r = await bulk(['stop', String(a), named]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Row[]).map((x) => [x.vmid, x.result])).toEqual([
      [a, 'stopped'],
      [b, 'stopped'],
    ]);
    const again = await bulk(['stop', String(a), '--debug']);
    // --debug shows the requests (the lookup and the state check; nothing to stop).
    expect(again.stderr).toMatch(/^proxmox-sdk > GET \/cluster\/resources \{"type":"vm"\}$/m);
    expect(again.stderr).toMatch(
      new RegExp(`^proxmox-sdk > GET /nodes/pve2/(qemu|lxc)/${a}/status/current$`, 'm'),
    );
    expect(again.stderr).not.toMatch(/status\/stop/);
    expect((JSON.parse(again.stdout) as Row[])[0]).toMatchObject({
      vmid: a,
      ok: 1,
      result: 'already stopped',
      tasks: [],
    });
  });

  it('a guest that fails gets its error; the others go on; exit 5', async () => {
    const [bad, ...rest] = onNode('pve3', 'running').slice(0, 3);
    const tasks = sim.engine.tasks as unknown as { start: (spec: TaskSpec) => unknown };
    const start = tasks.start.bind(tasks);
    tasks.start = (spec) =>
      start(
        spec.id === String(bad)
          ? {
              ...spec,
              work: () => {
                throw new Error('simulated stop failure');
              },
            }
          : spec,
      );
    try {
      const r = await bulk(['stop', String(bad), ...rest.map(String)]);
      expect(r.code).toBe(5);
      const rows = JSON.parse(r.stdout) as Row[];
      expect(rows.map((x) => [x.vmid, x.ok])).toEqual([[bad, 0], ...rest.map((v) => [v, 1])]);
      expect(rows[0]!.result).toContain('simulated stop failure');
      expect(r.stderr).toMatch(new RegExp(`^FAIL stop ${bad} .*simulated stop failure`, 'm'));
      expect(r.stderr).toContain(`${rest.length} of ${rest.length + 1} done, 1 failed`);
      for (const v of rest) expect(sim.engine.cluster.guests.get(v)!.status).toBe('stopped');
    } finally {
      tasks.start = start;
    }
  });

  it('an unknown guest stops it all before anything is done (exit 4)', async () => {
    const [running] = onNode('pve1', 'running');
    const r = await bulk(['stop', String(running), 'no-such-guest']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no guest named 'no-such-guest'");
    expect(sim.engine.cluster.guests.get(running!)!.status).toBe('running');
  });

  it('stop of guests picked by a filter needs --yes without a terminal; nothing is stopped', async () => {
    const before = onNode('pve1', 'running');
    const r = await bulk(['stop', '--all-running', '--node', 'pve1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('add --yes');
    expect(onNode('pve1', 'running')).toEqual(before);
  });

  it('completes the actions, the guests (any number), --node and --type', async () => {
    const complete = async (words: string[]) =>
      (await proxmox(['__complete', ...words], { env })).stdout.trim().split('\n');
    expect(await complete(['bulk', ''])).toEqual(['start', 'stop', 'shutdown']);
    // Every guest of /cluster/resources, also after guests already given.
    const all = [...sim.engine.cluster.guests.values()].map((g) => String(g.vmid)).sort();
    expect((await complete(['bulk', 'start', '100', ''])).sort()).toEqual(all);
    expect(await complete(['bulk', 'stop', '--all-running', '--node', ''])).toEqual(['pve1', 'pve2', 'pve3']);
    expect(await complete(['bulk', 'stop', '--type', ''])).toEqual(['qemu', 'lxc']);
  });

  it('on a terminal: asks before a filtered stop, draws a bar under the finished guests', async () => {
    const running = onNode('pve1', 'running');
    const r = await proxmoxInPty(['bulk', 'stop', '--all-running', '--node', 'pve1', '--concurrency', '2'], {
      env,
      cols: 100,
      send: [{ after: '[y/N] ', text: 'y\r' }],
      timeout: 60_000,
    });
    expect(r.out).toContain(`Stop (power off) ${running.length} guests (${running.join(', ')})? [y/N] `);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`\\[[█░]+\\]  \\d+/${running.length}  \\d+\\.\\ds  stop`));
    for (const vmid of running) expect(r.out).toMatch(new RegExp(`✓ stop ${vmid} \\S+ on pve1: stopped`));
    expect(r.out).toContain(`bulk stop: ${running.length} of ${running.length} done`);
    expect(onNode('pve1', 'running')).toEqual([]);
  });
});
