import { describe, expect, it } from 'vitest';
import { ResourceException } from '../../src/index.js';
import { connect, rejection } from './helpers.js';

/** A QEMU guest of the demo dataset in the given state. */
function qemuIn(engine: Awaited<ReturnType<typeof connect>>['engine'], status: 'running' | 'stopped') {
  return [...engine.cluster.guests.values()].find((g) => g.type === 'qemu' && g.status === status)!.vmid;
}

describe('start / stop / shutdown end in the state asked for', () => {
  it('starts a stopped VM, waits for the task and its agent; a second start changes nothing', async () => {
    const { wf, engine } = await connect();
    const vm = await wf.guests.find(qemuIn(engine, 'stopped'));
    const first = await vm.start({ waitForAgent: true });
    expect(first).toMatchObject({ changed: true, forced: false });
    expect(first.tasks[0]).toMatch(/:qmstart:/);
    expect(await vm.state()).toBe('running');
    expect(await vm.start()).toMatchObject({ changed: false, tasks: [] });
  });

  it('shuts a running guest down cleanly, and stop on a stopped one is a no-op', async () => {
    const { wf, engine } = await connect();
    const vm = await wf.guests.find(qemuIn(engine, 'running'));
    const done = await vm.shutdown({ timeout: 10_000 });
    expect(done).toMatchObject({ changed: true, forced: false });
    expect(done.tasks[0]).toMatch(/:qmshutdown:/);
    expect(engine.cluster.guests.get(vm.vmid)!.status).toBe('stopped');
    expect(await vm.stop()).toMatchObject({ changed: false });
  });

  it('falls back to a hard stop (overrule-shutdown) when the shutdown outlasts its timeout', async () => {
    // Every task takes 1.5 s here: a 100 ms shutdown budget runs out first.
    const { wf, engine } = await connect(1_500);
    const vm = await wf.guests.find(qemuIn(engine, 'running'));
    const done = await vm.shutdown({ timeout: 100 });
    expect(done.forced).toBe(true);
    expect(done.tasks.map((t) => t.split(':')[5])).toEqual(['qmshutdown', 'qmstop']);
    expect(await vm.state()).toBe('stopped');
  });

  it('without force, a shutdown that outlasts its timeout is a TimeoutError and no stop is sent', async () => {
    const { wf, engine } = await connect(1_500);
    const vm = await wf.guests.find(qemuIn(engine, 'running'));
    expect(await rejection(vm.shutdown({ timeout: 100, force: false }))).toMatchObject({
      code: 'PROXMOX_TIMEOUT',
    });
    expect([...engine.tasks.tasks.values()].filter((t) => t.type === 'qmstop')).toEqual([]);
  });

  it('waitFor polls until the state is reached, or times out', async () => {
    const { wf, engine, px } = await connect();
    const vm = await wf.guests.find(qemuIn(engine, 'stopped'));
    expect(await rejection(vm.waitFor('running', { timeout: 300 }))).toMatchObject({
      code: 'PROXMOX_TIMEOUT',
    });
    await px.nodes(vm.node).qemu(vm.vmid).status.start.post({});
    await vm.waitFor('running', { timeout: 5_000 });
    expect(await vm.state()).toBe('running');
  });

  it('waitForAgent fails at once when no agent is configured (qemu-server: "No QEMU guest agent configured")', async () => {
    const { wf, engine } = await connect();
    const vmid = qemuIn(engine, 'running');
    delete engine.cluster.guests.get(vmid)!.config.agent;
    // A running VM without an agent: ping is refused for good, not "not yet".
    const vm = await wf.guests.find(vmid);
    const error = await rejection(vm.waitForAgent({ timeout: 5_000 }));
    expect(error).toBeInstanceOf(ResourceException);
    expect((error as Error).message).toMatch(/No QEMU guest agent configured/);
  });

  it('an abort ends the wait with AbortError', async () => {
    const { wf, engine } = await connect();
    const vm = await wf.guests.find(qemuIn(engine, 'stopped'));
    const error = await rejection(vm.waitFor('running', { signal: AbortSignal.timeout(200) }));
    expect(error).toMatchObject({ code: 'PROXMOX_ABORTED' });
  });
});
