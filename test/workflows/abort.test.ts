/**
 * Every workflow honours its caller's AbortSignal: aborting while it waits rejects with the
 * SDK's AbortError (PROXMOX_ABORTED), stops polling (the simulator sees no request after the
 * rejection) and leaves the server's task running, as PVE does: a client going away does
 * not stop a worker (pve-common PVE/RESTEnvironment.pm fork_worker runs it detached).
 */
import { describe, expect, it } from 'vitest';
import { AbortError, isProxmoxError } from '../../src/index.js';
import { connect, rejection } from './helpers.js';

type Sim = Awaited<ReturnType<typeof connect>>;
const TASK_STATUS = 'GET /nodes/{node}/tasks/{upid}/status';
const STATUS_CURRENT = 'GET /nodes/{node}/qemu/{vmid}/status/current';

/** A simulator whose tasks run for a minute, so every wait is still waiting when we abort. */
const slowSim = (): Promise<Sim> => connect(60_000);

function vmid(sim: Sim, type: 'qemu' | 'lxc', status: 'running' | 'stopped'): number {
  return [...sim.engine.cluster.guests.values()].find(
    (g) => g.type === type && g.status === status && !g.template,
  )!.vmid;
}

const served = (sim: Sim, route: string): number => sim.engine.stats.byRoute[route] ?? 0;
const runningTasks = (sim: Sim, type: string) =>
  [...sim.engine.tasks.tasks.values()].filter((t) => t.type === type && t.status === 'running');

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Starts `run` with a fresh signal, aborts it once `route` has been served twice more (the
 * helper is polling), and answers the rejection, checked to be the SDK's AbortError.
 */
async function abortWhilePolling(
  sim: Sim,
  route: string,
  run: (signal: AbortSignal) => Promise<unknown>,
): Promise<AbortError> {
  const before = served(sim, route);
  const controller = new AbortController();
  const outcome = rejection(run(controller.signal));
  await until(() => served(sim, route) >= before + 2);
  controller.abort(new Error('the user pressed ^C'));
  const error = await outcome;
  expect(isProxmoxError(error) && error.code).toBe('PROXMOX_ABORTED');
  expect(error).toBeInstanceOf(AbortError);
  await expectNoMoreRequests(sim);
  return error as AbortError;
}

/** Polling stopped: nothing reaches the server for a while after the rejection. */
async function expectNoMoreRequests(sim: Sim): Promise<void> {
  const count = sim.engine.stats.requests;
  await new Promise((r) => setTimeout(r, 600));
  expect(sim.engine.stats.requests).toBe(count);
}

describe('aborting a workflow mid-wait rejects with AbortError and stops polling', () => {
  it('clone: the qmclone task keeps running on the server', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'stopped'));
    await abortWhilePolling(sim, TASK_STATUS, (signal) => vm.clone({ name: 'aborted', signal }));
    expect(runningTasks(sim, 'qmclone')).toHaveLength(1);
  });

  it('migrate: the handle stays on the old node, the migration task keeps running', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'running'));
    const node = vm.node;
    await abortWhilePolling(sim, TASK_STATUS, (signal) =>
      vm.migrate(node === 'pve1' ? 'pve2' : 'pve1', { signal }),
    );
    expect(vm.node).toBe(node);
    expect(runningTasks(sim, 'qmigrate')).toHaveLength(1);
  });

  it('shutdown: an abort during the clean shutdown is no reason for the hard stop', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'running'));
    await abortWhilePolling(sim, TASK_STATUS, (signal) => vm.shutdown({ timeout: 30_000, signal }));
    expect(runningTasks(sim, 'qmshutdown')).toHaveLength(1);
    expect(runningTasks(sim, 'qmstop')).toHaveLength(0);
  });

  it('shutdown: an abort while waiting for the forced stop ends that wait too', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'running'));
    const controller = new AbortController();
    const outcome = rejection(vm.shutdown({ timeout: 100, signal: controller.signal }));
    await until(() => runningTasks(sim, 'qmstop').length === 1);
    const polled = served(sim, TASK_STATUS);
    await until(() => served(sim, TASK_STATUS) >= polled + 1);
    controller.abort();
    expect(await outcome).toBeInstanceOf(AbortError);
    await expectNoMoreRequests(sim);
  });

  it('snapshots: create stops waiting on abort (rollback and remove wait the same way)', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'stopped'));
    await abortWhilePolling(sim, TASK_STATUS, (signal) => vm.snapshots.create('aborted_snap', { signal }));
    expect(runningTasks(sim, 'qmsnapshot')).toHaveLength(1);
  });

  it('waitFor and waitForAgent: polling status/current and agent/ping stops', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'stopped'));
    await abortWhilePolling(sim, STATUS_CURRENT, (signal) => vm.waitFor('running', { signal }));
    await abortWhilePolling(sim, 'POST /nodes/{node}/qemu/{vmid}/agent/ping', (signal) =>
      vm.waitForAgent({ signal }),
    );
  });

  it('start with waitForAgent: an abort in the start task wait', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'stopped'));
    await abortWhilePolling(sim, TASK_STATUS, (signal) => vm.start({ waitForAgent: true, signal }));
    expect(runningTasks(sim, 'qmstart')).toHaveLength(1);
  });
});

describe('bulk under abort', () => {
  it('items in flight end with AbortError, the rest are never started, each reported on its own', async () => {
    const sim = await slowSim();
    const stopped = [...sim.engine.cluster.guests.values()]
      .filter((g) => g.type === 'qemu' && g.status === 'stopped' && !g.template)
      .map((g) => g.vmid)
      .slice(0, 5);
    const guests = await Promise.all(stopped.map((id) => sim.wf.guests.find(id)));
    const controller = new AbortController();
    const started: number[] = [];
    const progress: number[] = [];
    const run = sim.wf.bulk(
      guests,
      (vm, signal) => {
        started.push(vm.vmid);
        return vm.start(signal ? { signal } : {});
      },
      { concurrency: 2, signal: controller.signal, onProgress: (p) => progress.push(p.done) },
    );
    await until(() => runningTasks(sim, 'qmstart').length === 2);
    controller.abort();
    const result = await run;
    expect(started).toEqual(stopped.slice(0, 2));
    expect(result.failed).toBe(5);
    for (const item of result.results) {
      expect(item.ok).toBe(false);
      if (!item.ok) expect(item.error).toBeInstanceOf(AbortError);
    }
    const notStarted = result.results.slice(2).map((r) => (r.ok ? '' : (r.error as Error).message));
    expect(notStarted.every((m) => m.includes('aborted before this item started'))).toBe(true);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(runningTasks(sim, 'qmstart')).toHaveLength(2);
    await expectNoMoreRequests(sim);
  });
});

describe('a signal that fired before the call', () => {
  it('every helper rejects with AbortError and sends nothing', async () => {
    const sim = await slowSim();
    const vm = await sim.wf.guests.find(vmid(sim, 'qemu', 'running'));
    const signal = AbortSignal.abort();
    const count = sim.engine.stats.requests;
    const calls: Array<Promise<unknown>> = [
      vm.clone({ signal }),
      vm.migrate('pve3', { signal }),
      vm.shutdown({ signal }),
      vm.stop({ signal }),
      vm.start({ signal }),
      vm.snapshots.create('never', { signal }),
      vm.snapshots.list({ signal }),
      vm.waitFor('stopped', { signal }),
      vm.waitForAgent({ signal }),
      vm.resizeDisk('scsi0', '+1G', { signal }),
      sim.wf.guests.find(vm.vmid, { signal }),
    ];
    for (const call of calls) expect(await rejection(call)).toBeInstanceOf(AbortError);
    expect(sim.engine.stats.requests).toBe(count);
  });
});
