/**
 * Guest configuration as qemu-server and pve-container store it (issue 21): disks named by
 * storage and size are allocated, NICs get MACs, qemu adds what it generates, and the
 * storage's content follows the configs. Each rule names the source function it follows.
 */
import { describe, expect, it } from 'vitest';
import { createContainer, demoEngine, fails, finish, ok } from './engine-helpers.js';

const MAC = '[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function createVm(engine: ReturnType<typeof demoEngine>, vmid: string, params: Record<string, string>) {
  await finish(engine, await ok(engine, 'POST', '/nodes/pve1/qemu', { vmid, ...params }));
  return ok(engine, 'GET', `/nodes/pve1/qemu/${vmid}/config`);
}

const content = (engine: ReturnType<typeof demoEngine>, vmid: string) =>
  ok(engine, 'GET', '/nodes/pve1/storage/local-lvm/content', { vmid });

describe('disk allocation (qemu-server API2/Qemu.pm create_disks)', () => {
  it('turns STORAGE:SIZE into a vm-ID-disk-N volume with size=NG, listed in the storage content', async () => {
    const engine = demoEngine();
    const config = await createVm(engine, '910', {
      scsi0: 'local-lvm:8,iothread=on,discard=on',
      virtio1: 'local-lvm:0.5',
      scsihw: 'virtio-scsi-single',
    });
    // Options come back in print_property_string order: default key, then sorted; on -> 1.
    expect(config.scsi0).toBe('local-lvm:vm-910-disk-0,discard=on,iothread=1,size=8G');
    expect(config.virtio1).toBe('local-lvm:vm-910-disk-1,size=512M');
    const volumes = await content(engine, '910');
    expect(volumes.map((v: any) => [v.volid, v.size, v.content]).sort()).toEqual([
      ['local-lvm:vm-910-disk-0', 8 * 1024 ** 3, 'images'],
      ['local-lvm:vm-910-disk-1', 512 * 1024 ** 2, 'images'],
    ]);
  });

  it('names disks on a file storage vmid/vm-ID-disk-N.FORMAT (pve-storage Plugin.pm alloc_image)', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/storage', {
      storage: 'tank',
      type: 'dir',
      path: '/tank',
      content: 'images,rootdir',
    });
    const config = await createVm(engine, '911', { sata0: 'tank:2,format=qcow2', scsi1: 'tank:1' });
    // Drives are allocated in valid_drive_names order: scsi before sata.
    expect(config.scsi1).toBe('tank:911/vm-911-disk-0.raw,size=1G');
    expect(config.sata0).toBe('tank:911/vm-911-disk-1.qcow2,size=2G');
  });

  it('refuses a storage without images content, before anything is created ($check_storage_access)', async () => {
    const engine = demoEngine();
    const refused = await fails(engine, 'POST', '/nodes/pve1/qemu', { vmid: '912', scsi0: 'local:8' });
    expect(refused.status).toBe(400);
    expect(refused.errors).toEqual({ storage: "storage 'local' does not support vm images" });
    expect(engine.cluster.guests.has(912)).toBe(false);
  });

  it('uses the storage parameter for a bare size, and needs one (NEW_DISK_RE)', async () => {
    const engine = demoEngine();
    const config = await createVm(engine, '913', { scsi0: '4', storage: 'local-lvm' });
    expect(config.scsi0).toBe('local-lvm:vm-913-disk-0,size=4G');
    const missing = await fails(engine, 'POST', '/nodes/pve1/qemu', { vmid: '914', scsi0: '4' });
    expect(missing.message).toBe('no storage ID specified (and no default storage)\n');
  });

  it('adds a disk to an existing VM with the next free number; the VM destroy frees them all', async () => {
    const engine = demoEngine();
    await createVm(engine, '915', { scsi0: 'local-lvm:8' });
    await ok(engine, 'PUT', '/nodes/pve1/qemu/915/config', { scsi1: 'local-lvm:2,ssd=1' });
    const config = await ok(engine, 'GET', '/nodes/pve1/qemu/915/config');
    expect(config.scsi1).toBe('local-lvm:vm-915-disk-1,size=2G,ssd=1');
    expect((await content(engine, '915')).length).toBe(2);
    await finish(engine, await ok(engine, 'DELETE', '/nodes/pve1/qemu/915'));
    expect(await content(engine, '915')).toEqual([]);
  });
});

describe('what qemu-server generates on create (API2/Qemu.pm create_vm)', () => {
  it('gives a NIC without a MAC one, keeps a given one (Network.pm parse_net, random_ether_addr)', async () => {
    const engine = demoEngine();
    const config = await createVm(engine, '920', {
      net0: 'virtio,bridge=vmbr0,firewall=1',
      net1: 'e1000=BC:24:11:AA:BB:CC,bridge=vmbr0',
    });
    expect(config.net0).toMatch(new RegExp(`^virtio=BC:24:11:${MAC},bridge=vmbr0,firewall=1$`));
    expect(config.net1).toBe('e1000=BC:24:11:AA:BB:CC,bridge=vmbr0');
    const other = await createVm(engine, '921', { net0: 'virtio,bridge=vmbr0' });
    expect(other.net0).not.toBe(config.net0);
  });

  it('sets smbios1 uuid, vmgenid, meta and a boot order of first disk, first CD-ROM, first NIC', async () => {
    const engine = demoEngine();
    const config = await createVm(engine, '922', {
      net0: 'virtio,bridge=vmbr0',
      ide2: 'local:iso/debian-13.1.0-amd64-netinst.iso,media=cdrom',
      scsi0: 'local-lvm:8',
    });
    expect(config.smbios1).toMatch(/^uuid=/);
    expect(config.smbios1.slice(5)).toMatch(UUID);
    expect(config.vmgenid).toMatch(UUID);
    expect(config.meta).toMatch(/^creation-qemu=\d+\.\d+\.\d+,ctime=\d+$/);
    // QemuServer.pm get_default_bootdevices + print_bootorder.
    expect(config.boot).toBe('order=scsi0;ide2;net0');
    const given = await createVm(engine, '923', {
      smbios1: 'uuid=11111111-2222-4333-8444-555555555555',
      boot: 'order=net0',
      net0: 'virtio,bridge=vmbr0',
    });
    expect(given.smbios1).toBe('uuid=11111111-2222-4333-8444-555555555555');
    expect(given.boot).toBe('order=net0');
  });

  it('changes a NIC: set again without a MAC it gets a new one (update_vm_api parse_net)', async () => {
    const engine = demoEngine();
    const before = await createVm(engine, '924', { net0: 'virtio,bridge=vmbr0' });
    const mac = /virtio=([^,]+)/.exec(before.net0)![1];
    await ok(engine, 'PUT', '/nodes/pve1/qemu/924/config', { net0: `virtio=${mac},bridge=vmbr1` });
    expect((await ok(engine, 'GET', '/nodes/pve1/qemu/924/config')).net0).toBe(`virtio=${mac},bridge=vmbr1`);
    await ok(engine, 'PUT', '/nodes/pve1/qemu/924/config', { net1: 'virtio,bridge=vmbr0', vmgenid: '1' });
    const after = await ok(engine, 'GET', '/nodes/pve1/qemu/924/config');
    expect(after.net1).toMatch(new RegExp(`^virtio=BC:24:11:${MAC},bridge=vmbr0$`));
    expect(after.vmgenid).toMatch(UUID);
    expect(after.vmgenid).not.toBe(before.vmgenid);
    await ok(engine, 'PUT', '/nodes/pve1/qemu/924/config', { delete: 'net1' });
    expect((await ok(engine, 'GET', '/nodes/pve1/qemu/924/config')).net1).toBeUndefined();
  });

  it('changes the digest with every change, and refuses a stale one', async () => {
    const engine = demoEngine();
    const first = await createVm(engine, '925', { memory: '1024' });
    await ok(engine, 'PUT', '/nodes/pve1/qemu/925/config', { memory: '2048', digest: first.digest });
    const second = await ok(engine, 'GET', '/nodes/pve1/qemu/925/config');
    expect(second.digest).toMatch(/^[0-9a-f]{40}$/);
    expect(second.digest).not.toBe(first.digest);
    const stale = await fails(engine, 'PUT', '/nodes/pve1/qemu/925/config', {
      memory: '512',
      digest: first.digest,
    });
    expect(stale.message).toBe('checksum mismatch (file change by other user?)\n');
  });
});

describe('containers (pve-container API2/LXC.pm create_vm, LXC.pm create_disks)', () => {
  const ostemplate = 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst';

  it('allocates rootfs and mount points, and gives NICs hwaddr and type=veth (Config.pm parse_lxc_network)', async () => {
    const engine = demoEngine();
    await finish(
      engine,
      await ok(engine, 'POST', '/nodes/pve1/lxc', {
        vmid: '930',
        ostemplate,
        rootfs: 'local-lvm:8',
        mp0: 'local-lvm:2,mp=/srv',
        net0: 'name=eth0,bridge=vmbr0,ip=dhcp',
      }),
    );
    const config = await ok(engine, 'GET', '/nodes/pve1/lxc/930/config');
    expect(config.rootfs).toBe('local-lvm:vm-930-disk-0,size=8G');
    expect(config.mp0).toBe('local-lvm:vm-930-disk-1,mp=/srv,size=2G');
    expect(config.net0).toMatch(
      new RegExp(`^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:${MAC},ip=dhcp,type=veth$`),
    );
    const volumes = await content(engine, '930');
    expect(volumes.map((v: any) => [v.volid, v.content]).sort()).toEqual([
      ['local-lvm:vm-930-disk-0', 'rootdir'],
      ['local-lvm:vm-930-disk-1', 'rootdir'],
    ]);
  });

  it('puts a rootfs without one on the storage parameter, 4 GiB, which must hold containers', async () => {
    const engine = demoEngine();
    await finish(
      engine,
      await ok(engine, 'POST', '/nodes/pve1/lxc', { vmid: '931', ostemplate, storage: 'local-lvm' }),
    );
    expect((await ok(engine, 'GET', '/nodes/pve1/lxc/931/config')).rootfs).toBe(
      'local-lvm:vm-931-disk-0,size=4G',
    );
    const refused = await fails(engine, 'POST', '/nodes/pve1/lxc', { vmid: '932', ostemplate });
    expect(refused.errors).toEqual({ storage: "storage 'local' does not support container directories" });
  });
});

describe('more that the servers rewrite', () => {
  it('imports a disk from another volume with STORAGE:0,import-from= (create_disks import_from_volid)', async () => {
    const engine = demoEngine();
    await createVm(engine, '933', { scsi0: 'local-lvm:3' });
    const config = await createVm(engine, '934', {
      scsi0: 'local-lvm:0,import-from=local-lvm:vm-933-disk-0',
    });
    expect(config.scsi0).toBe('local-lvm:vm-934-disk-0,size=3G');
    const wrong = await fails(engine, 'POST', '/nodes/pve1/qemu', {
      vmid: '935',
      scsi0: 'local-lvm:5,import-from=local-lvm:vm-933-disk-0',
    });
    expect(wrong.errors).toEqual({
      scsi0: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>",
    });
  });

  it('appends a new CD-ROM to an explicit boot order (update_vm_api)', async () => {
    const engine = demoEngine();
    await createVm(engine, '936', { scsi0: 'local-lvm:1' });
    await ok(engine, 'PUT', '/nodes/pve1/qemu/936/config', { ide2: 'none,media=cdrom' });
    expect((await ok(engine, 'GET', '/nodes/pve1/qemu/936/config')).boot).toBe('order=scsi0;ide2');
    const bad = await fails(engine, 'PUT', '/nodes/pve1/qemu/936/config', { boot: 'order=scsi0;virtio3' });
    expect(bad.message).toMatch(/invalid bootorder: device 'virtio3' does not exist/);
  });

  it('gives a container NIC added later its hwaddr too (update_pct_config parse_lxc_network)', async () => {
    const engine = demoEngine();
    const path = await createContainer(engine, 937);
    await ok(engine, 'PUT', path, { net1: 'name=eth1,bridge=vmbr0' });
    const config = await ok(engine, 'GET', path);
    expect(config.net1).toMatch(new RegExp(`^name=eth1,bridge=vmbr0,hwaddr=BC:24:11:${MAC},type=veth$`));
  });
});
