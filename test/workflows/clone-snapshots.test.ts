import { describe, expect, it } from 'vitest';
import { connect } from './helpers.js';

function qemuIn(engine: Awaited<ReturnType<typeof connect>>['engine'], status: 'running' | 'stopped') {
  return [...engine.cluster.guests.values()].find(
    (g) => g.type === 'qemu' && g.status === status && !g.template,
  )!.vmid;
}

describe('clone to the next free vmid', () => {
  // pve-manager PVE/API2/Cluster.pm nextid proposes the lowest unused id; qemu-server
  // PVE/API2/Qemu.pm clone_vm copies the config under the new id in a qmclone task.
  it('asks /cluster/nextid, waits for the qmclone task and answers a handle that finds the clone by name', async () => {
    const { px, wf, engine } = await connect();
    const source = await wf.guests.find(qemuIn(engine, 'stopped'));
    const proposed = Number(await px.request('GET /cluster/nextid', {}));
    const done = await source.clone({ name: 'web-clone', full: true });
    expect(done.guest.vmid).toBe(proposed);
    expect(done.upid).toMatch(/:qmclone:/);
    expect(done.attempts).toBe(1);
    expect((await wf.guests.find('web-clone')).vmid).toBe(proposed);
    expect(engine.cluster.guests.get(proposed)).toBeDefined();
  });

  it('refuses target or storage for a linked clone before sending anything', async () => {
    const { wf, engine } = await connect();
    const source = await wf.guests.find(qemuIn(engine, 'stopped'));
    await expect(source.clone({ full: false, target: 'pve2' })).rejects.toMatchObject({
      code: 'PROXMOX_INVALID_ARGUMENT',
    });
  });
});

// Snapshot names are pve-configid (pve-common PVE/JSONSchema.pm: a letter, then letters, digits, _).
describe('snapshots (qemu-server PVE/API2/Qemu.pm snapshot, rollback, delsnapshot)', () => {
  it('creates, lists without "current", rolls back and removes, each waiting for its task', async () => {
    const { wf, engine } = await connect();
    const vm = await wf.guests.find(qemuIn(engine, 'stopped'));
    const snap = await vm.snapshots.create('wf_test_snap', { description: 'pre' });
    expect(snap.name).toBe('wf_test_snap');
    const names = (await vm.snapshots.list()).map((s) => s.name);
    expect(names).toContain('wf_test_snap');
    expect(names).not.toContain('current');
    await snap.rollback();
    await snap.remove();
    expect((await vm.snapshots.list()).map((s) => s.name)).not.toContain('wf_test_snap');
  });
});

describe('bulk', () => {
  it('runs every item, a failure does not stop the others, with a result per item', async () => {
    const { wf } = await connect();
    let running = 0;
    let peak = 0;
    const result = await wf.bulk(
      [1, 2, 3, 4, 5],
      async (n) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        if (n === 3) throw new Error('three');
        return n * 10;
      },
      { concurrency: 2 },
    );
    expect(peak).toBeLessThanOrEqual(2);
    expect(result.results.map((r) => r.ok)).toEqual([true, true, false, true, true]);
    expect(result.results[1]).toMatchObject({ ok: true, value: 20 });
  });
});
