/**
 * guest.importDisk: `<storage>:0,import-from=<volume>` on a disk key, sent as POST .../config
 * so the copy runs in a qmconfig task (qemu-server PVE/API2/Qemu.pm update_vm_api ->
 * create_disks, the import-from branch: a new volume as large as the source; the source must
 * be `images` or `import` content; another guest's disk needs VM.Clone on that guest).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, isResourceException } from '../../src/index.js';
import { connect, rejection } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'import-disk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function vmWithUploadedImage() {
  const sim = await connect();
  const record = [...sim.engine.cluster.guests.values()].find(
    (g) => g.type === 'qemu' && g.status === 'stopped',
  )!;
  const vm = await sim.wf.guests.find(record.vmid);
  const file = join(dir, `disk-${record.vmid}.qcow2`);
  writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
  const image = await sim.px.files.upload({ node: vm.node, storage: 'local', content: 'import', file });
  return { ...sim, vm, record, image };
}

describe('importDisk (import-from)', () => {
  it('allocates a new volume from an uploaded image, waits for the qmconfig task and answers the volume', async () => {
    const { vm, px, image } = await vmWithUploadedImage();
    const done = await vm.importDisk('scsi1', { storage: 'local-lvm', source: image.volid });
    expect(done.disk).toBe('scsi1');
    expect(done.volid).toMatch(new RegExp(`^local-lvm:vm-${vm.vmid}-disk-\\d+$`));
    expect(done.upid).toMatch(/:qmconfig:/);
    const config = await vm.config();
    expect(String(config.scsi1)).toMatch(new RegExp(`^${done.volid},.*size=`));
    expect(String(config.scsi1)).not.toContain('import-from');
    // As large as the source: create_disks sizes the new volume from the image.
    const listed = await px.request('GET /nodes/{node}/storage/{storage}/content', {
      node: vm.node,
      storage: 'local-lvm',
    });
    const made = (listed as Array<{ volid: string; size: number; vmid?: number }>).find(
      (v) => v.volid === done.volid,
    );
    expect(made).toMatchObject({ size: 3 * 1024 * 1024, vmid: vm.vmid });
    expect(done.size).toBe(String(config.scsi1).match(/size=([^,]+)/)![1]);
  });

  it("passes drive options through, and copies another guest's disk", async () => {
    const { vm, engine } = await vmWithUploadedImage();
    const other = [...engine.cluster.guests.values()].find(
      (g) =>
        g.type === 'qemu' &&
        g.vmid !== vm.vmid &&
        g.node === vm.node &&
        /^local-lvm:/.test(g.config.scsi0 ?? ''),
    );
    expect(other).toBeDefined();
    const source = (other!.config.scsi0 ?? '').split(',')[0]!;
    const done = await vm.importDisk('virtio3', {
      storage: 'local-lvm',
      source,
      driveOptions: { discard: 'on', iothread: 1 },
    });
    const written = String((await vm.config()).virtio3);
    expect(written.startsWith(`${done.volid},`)).toBe(true);
    expect(written).toContain('discard=on');
    expect(written).toContain('iothread=1');
  });

  it('an ISO is no disk source: PVE refuses the parameter, nothing is attached', async () => {
    const { vm, px, wf } = await vmWithUploadedImage();
    const iso = join(dir, 'x.iso');
    writeFileSync(iso, 'not really');
    const up = await px.files.upload({ node: vm.node, storage: 'local', content: 'iso', file: iso });
    const error = await rejection(vm.importDisk('scsi2', { storage: 'local-lvm', source: up.volid }));
    expect(isResourceException(error) && error.statusCode).toBe(400);
    expect((error as Error).message).toMatch(/wrong type 'iso'/);
    expect((await (await wf.guests.find(vm.vmid)).config()).scsi2).toBeUndefined();
  });

  it('refuses a container and a key that is not a disk slot before sending anything', async () => {
    const { vm, engine, wf } = await vmWithUploadedImage();
    const before = engine.stats.requests;
    expect(
      await rejection(vm.importDisk('net0', { storage: 'local-lvm', source: 'local:import/a.qcow2' })),
    ).toBeInstanceOf(InvalidArgumentError);
    const ct = [...engine.cluster.guests.values()].find((g) => g.type === 'lxc')!;
    const handle = await wf.guests.find(ct.vmid);
    const mid = engine.stats.requests;
    expect(await rejection(handle.importDisk('mp0', { storage: 'local-lvm', source: 'x' }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(engine.stats.requests).toBe(mid);
    expect(mid).toBeGreaterThan(before); // only the find
  });
});
