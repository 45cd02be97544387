/**
 * What a provisioning tool sees through the SDK's typed API when it creates, extends and
 * clones guests, against the simulator that follows qemu-server and pve-container (issue 21):
 * allocated disk names and sizes, generated MACs, storage content, and the clone's own
 * volumes and identity.
 */
import { describe, expect, it } from 'vitest';
import { connect } from './helpers.js';

describe('provisioning through the typed API', () => {
  it('creates a VM with a disk and a NIC, adds more, clones it, and reads back what PVE would show', async () => {
    const { px, wf } = await connect();
    const node = px.nodes('pve1');
    await px.tasks.wait(
      await node.qemu.post({
        vmid: 4000,
        name: 'app',
        memory: '2048',
        scsihw: 'virtio-scsi-single',
        scsi0: 'local-lvm:16,iothread=1,discard=on',
        net0: 'virtio,bridge=vmbr0,firewall=1',
      }),
    );
    const vm = node.qemu(4000);
    const created = await vm.config.get();
    expect(created.scsi0).toBe('local-lvm:vm-4000-disk-0,discard=on,iothread=1,size=16G');
    expect(String(created.net0)).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,firewall=1$/);
    expect(String(created.smbios1)).toMatch(/^uuid=[0-9a-f-]{36}$/);
    expect(created.boot).toBe('order=scsi0;net0');

    await vm.config.put({ scsi1: 'local-lvm:4,ssd=1', net1: 'virtio,bridge=vmbr0,tag=20' });
    const extended = await vm.config.get();
    expect(extended.scsi1).toBe('local-lvm:vm-4000-disk-1,size=4G,ssd=1');
    expect(String(extended.net1)).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,tag=20$/);
    expect(extended.digest).not.toBe(created.digest);

    const content = await node.storage('local-lvm').content.get({ vmid: 4000 });
    expect(content.map((v) => [v.volid, v.size]).sort()).toEqual([
      ['local-lvm:vm-4000-disk-0', 16 * 1024 ** 3],
      ['local-lvm:vm-4000-disk-1', 4 * 1024 ** 3],
    ]);

    const { guest } = await (await wf.guests.find(4000)).clone({ name: 'app-2' });
    const copy = await px.nodes(guest.node).qemu(guest.vmid).config.get();
    expect(copy.name).toBe('app-2');
    expect(copy.scsi0).toBe(`local-lvm:vm-${guest.vmid}-disk-0,discard=on,iothread=1,size=16G`);
    expect(copy.scsi1).toBe(`local-lvm:vm-${guest.vmid}-disk-1,size=4G,ssd=1`);
    expect(copy.net0).not.toBe(extended.net0);
    expect(copy.smbios1).not.toBe(extended.smbios1);

    await vm.config.put({ delete: 'scsi1' });
    expect((await vm.config.get()).unused0).toBe('local-lvm:vm-4000-disk-1');
    await px.tasks.wait(await vm.delete({ purge: true }));
    expect(await node.storage('local-lvm').content.get({ vmid: 4000 })).toEqual([]);
  });

  it('creates a container whose rootfs and NIC come back allocated and addressed', async () => {
    const { px } = await connect();
    const node = px.nodes('pve2');
    await px.tasks.wait(
      await node.lxc.post({
        vmid: 4100,
        ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst',
        hostname: 'web',
        rootfs: 'local-lvm:8',
        net0: 'name=eth0,bridge=vmbr0,ip=dhcp',
      }),
    );
    const config = await node.lxc(4100).config.get();
    expect(config.rootfs).toBe('local-lvm:vm-4100-disk-0,size=8G');
    expect(String(config.net0)).toMatch(
      /^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,type=veth$/,
    );
  });
});
