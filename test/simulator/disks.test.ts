/**
 * Disks over a guest's life, as qemu-server applies config changes (PVE/API2/Qemu.pm
 * update_vm_api, PVE/QemuServer.pm vmconfig_apply_pending / vmconfig_hotplug_pending,
 * PVE::AbstractConfig add_unused_volume) and moves, resizes and frees them.
 */
import { describe, expect, it } from 'vitest';
import { createContainer, demoEngine, fails, finish, ok } from './engine-helpers.js';

type Engine = ReturnType<typeof demoEngine>;

async function vm(engine: Engine, vmid: number, params: Record<string, string> = {}) {
  await finish(engine, await ok(engine, 'POST', '/nodes/pve1/qemu', { vmid: String(vmid), ...params }));
  const base = `/nodes/pve1/qemu/${vmid}`;
  return {
    base,
    config: () => ok(engine, 'GET', `${base}/config`),
    set: (p: Record<string, string>) => ok(engine, 'PUT', `${base}/config`, p),
    volumes: async () =>
      (await ok(engine, 'GET', '/nodes/pve1/storage/local-lvm/content', { vmid: String(vmid) }))
        .map((v: any) => v.volid)
        .sort(),
  };
}

describe('detach and delete (update_vm_api, vmconfig_apply_pending)', () => {
  it('a detached disk becomes unusedN and stays on the storage; deleting unusedN frees it', async () => {
    const engine = demoEngine();
    const g = await vm(engine, 950, { scsi0: 'local-lvm:8', scsi1: 'local-lvm:2' });
    await g.set({ delete: 'scsi1' });
    const config = await g.config();
    expect(config.scsi1).toBeUndefined();
    expect(config.unused0).toBe('local-lvm:vm-950-disk-1');
    expect(await g.volumes()).toEqual(['local-lvm:vm-950-disk-0', 'local-lvm:vm-950-disk-1']);
    // Re-attaching the unused volume drops the unusedN entry (write_vm_config).
    await g.set({ scsi2: 'local-lvm:vm-950-disk-1' });
    const reattached = await g.config();
    expect(reattached.scsi2).toBe('local-lvm:vm-950-disk-1,size=2G');
    expect(reattached.unused0).toBeUndefined();
    await g.set({ delete: 'scsi2' });
    await g.set({ delete: 'unused0' });
    expect((await g.config()).unused0).toBeUndefined();
    expect(await g.volumes()).toEqual(['local-lvm:vm-950-disk-0']);
  });

  it("updates a disk's options in place, keeping its volume and size", async () => {
    const engine = demoEngine();
    const g = await vm(engine, 951, { scsi0: 'local-lvm:8' });
    await g.set({ scsi0: 'local-lvm:vm-951-disk-0,ssd=1,discard=on,cache=writeback,iothread=1' });
    expect((await g.config()).scsi0).toBe(
      'local-lvm:vm-951-disk-0,cache=writeback,discard=on,iothread=1,size=8G,ssd=1',
    );
    expect(await g.volumes()).toEqual(['local-lvm:vm-951-disk-0']);
  });

  it('refuses to remove a disk of a protected VM', async () => {
    const engine = demoEngine();
    const g = await vm(engine, 952, { scsi0: 'local-lvm:1', protection: '1' });
    const refused = await fails(engine, 'PUT', `${g.base}/config`, { delete: 'scsi0' });
    expect(refused.message).toBe("can't remove drive 'scsi0' - protection mode enabled\n");
  });

  it('drops a deleted disk from the boot order', async () => {
    const engine = demoEngine();
    const g = await vm(engine, 953, { scsi0: 'local-lvm:1', net0: 'virtio,bridge=vmbr0' });
    expect((await g.config()).boot).toBe('order=scsi0;net0');
    await g.set({ delete: 'scsi0' });
    expect((await g.config()).boot).toBe('order=net0');
  });
});

describe('a running VM (vmconfig_hotplug_pending)', () => {
  it('hot-plugs a SCSI disk and a NIC, keeps memory and an IDE disk pending until the next start', async () => {
    const engine = demoEngine();
    const g = await vm(engine, 954, { scsi0: 'local-lvm:1', start: '1' });
    await g.set({ scsi1: 'local-lvm:2', net0: 'virtio,bridge=vmbr0', memory: '4096', ide1: 'local-lvm:1' });
    const current = await ok(engine, 'GET', `${g.base}/config`, { current: '1' });
    expect(current.scsi1).toBe('local-lvm:vm-954-disk-1,size=2G');
    expect(current.net0).toMatch(/^virtio=BC:24:11:/);
    expect(current.memory).toBeUndefined();
    expect(current.ide1).toBeUndefined();
    const pending = await ok(engine, 'GET', `${g.base}/pending`);
    expect(pending.find((p: any) => p.key === 'memory')).toEqual({ key: 'memory', pending: '4096' });
    expect(pending.find((p: any) => p.key === 'ide1').pending).toBe('local-lvm:vm-954-disk-2,size=1G');
    // The pending disk is allocated already: it is on the storage.
    expect(await g.volumes()).toContain('local-lvm:vm-954-disk-2');
    await finish(engine, await ok(engine, 'POST', `${g.base}/status/reboot`));
    const after = await ok(engine, 'GET', `${g.base}/config`, { current: '1' });
    expect(after.memory).toBe('4096');
    expect(after.ide1).toBe('local-lvm:vm-954-disk-2,size=1G');
  });

  it('unplugs a SCSI disk at once (it becomes unusedN); a changed cache option waits', async () => {
    const engine = demoEngine();
    const g = await vm(engine, 955, { scsi0: 'local-lvm:1', scsi1: 'local-lvm:1', start: '1' });
    await g.set({ delete: 'scsi1' });
    const current = await ok(engine, 'GET', `${g.base}/config`, { current: '1' });
    expect(current.scsi1).toBeUndefined();
    expect(current.unused0).toBe('local-lvm:vm-955-disk-1');
    await g.set({ scsi0: 'local-lvm:vm-955-disk-0,cache=writeback' });
    expect((await ok(engine, 'GET', `${g.base}/config`, { current: '1' })).scsi0).toBe(
      'local-lvm:vm-955-disk-0,size=1G',
    );
    expect((await g.config()).scsi0).toBe('local-lvm:vm-955-disk-0,cache=writeback,size=1G');
  });
});

describe('resize and move (resize_vm, move_vm_disk)', () => {
  it('grows by +NG or to an absolute size, never shrinks, printed with format_size', async () => {
    const engine = demoEngine();
    const g = await vm(engine, 956, { scsi0: 'local-lvm:1' });
    await finish(engine, await ok(engine, 'PUT', `${g.base}/resize`, { disk: 'scsi0', size: '+512M' }));
    expect((await g.config()).scsi0).toBe('local-lvm:vm-956-disk-0,size=1536M');
    await finish(engine, await ok(engine, 'PUT', `${g.base}/resize`, { disk: 'scsi0', size: '4G' }));
    expect((await g.config()).scsi0).toBe('local-lvm:vm-956-disk-0,size=4G');
    const shrink = await fails(engine, 'PUT', `${g.base}/resize`, { disk: 'scsi0', size: '2G' });
    expect(shrink.message).toBe('shrinking disks is not supported\n');
  });

  it('moves to another storage with a fresh name there; without delete the source stays as unusedN', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/storage', { storage: 'tank', type: 'dir', path: '/tank', content: 'images' });
    const g = await vm(engine, 957, { scsi0: 'local-lvm:1,ssd=1' });
    await finish(
      engine,
      await ok(engine, 'POST', `${g.base}/move_disk`, { disk: 'scsi0', storage: 'tank', format: 'qcow2' }),
    );
    const config = await g.config();
    expect(config.scsi0).toBe('tank:957/vm-957-disk-0.qcow2,size=1G,ssd=1');
    expect(config.unused0).toBe('local-lvm:vm-957-disk-0');
    await finish(
      engine,
      await ok(engine, 'POST', `${g.base}/move_disk`, { disk: 'scsi0', storage: 'local-lvm', delete: '1' }),
    );
    const back = await g.config();
    // The unused source still holds disk-0 on local-lvm, so the copy is disk-1.
    expect(back.scsi0).toBe('local-lvm:vm-957-disk-1,size=1G,ssd=1');
    const tank = await ok(engine, 'GET', '/nodes/pve1/storage/tank/content', { vmid: '957' });
    expect(tank).toEqual([]);
  });
});

describe('a running container (pve-container LXC/Config.pm vmconfig_hotplug_pending)', () => {
  it('takes memory, a new mount point and a NIC removal live; arch waits for the restart', async () => {
    const engine = demoEngine();
    const path = await createContainer(engine, 958, { net0: 'name=eth0,bridge=vmbr0', start: '1' });
    await ok(engine, 'PUT', path, { memory: '1024', mp0: 'local-lvm:2,mp=/data', arch: 'arm64' });
    await ok(engine, 'PUT', path, { delete: 'net0' });
    const current = await ok(engine, 'GET', path, { current: '1' });
    expect(current.memory).toBe(1024);
    expect(current.mp0).toBe('local-lvm:vm-958-disk-1,mp=/data,size=2G');
    expect(current.net0).toBeUndefined();
    expect(current.arch).not.toBe('arm64');
    const pending = await ok(engine, 'GET', path.replace(/config$/, 'pending'));
    expect(pending.find((p: any) => p.key === 'arch')).toMatchObject({ pending: 'arm64' });
  });
});
