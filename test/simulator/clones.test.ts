/**
 * Clones, templates and destroy as qemu-server PVE/API2/Qemu.pm clone_vm / template /
 * destroy_vm and pve-container PVE/API2/LXC.pm clone_vm do them, with pve-storage's
 * naming (Plugin.pm clone_image / create_base, LvmThinPlugin.pm clone_image).
 */
import { describe, expect, it } from 'vitest';
import { createContainer, demoEngine, fails, finish, ok } from './engine-helpers.js';

type Engine = ReturnType<typeof demoEngine>;

async function vm(engine: Engine, vmid: number, params: Record<string, string>) {
  await finish(engine, await ok(engine, 'POST', '/nodes/pve1/qemu', { vmid: String(vmid), ...params }));
  return `/nodes/pve1/qemu/${vmid}`;
}

const volids = async (engine: Engine, storage: string, vmid: number) =>
  (await ok(engine, 'GET', `/nodes/pve1/storage/${storage}/content`, { vmid: String(vmid) }))
    .map((v: any) => v.volid)
    .sort();

describe('full clone ($clonefn)', () => {
  it('copies each disk to a volume of its own, gives NICs new MACs and a new smbios1 uuid and vmgenid', async () => {
    const engine = demoEngine();
    const base = await vm(engine, 960, {
      name: 'web',
      scsi0: 'local-lvm:8,ssd=1',
      net0: 'virtio,bridge=vmbr0',
      smbios1: 'manufacturer=QUNNRQ==,base64=1',
    });
    await ok(engine, 'PUT', `${base}/config`, { scsi1: 'local-lvm:2' });
    await ok(engine, 'PUT', `${base}/config`, { delete: 'scsi1' });
    const source = await ok(engine, 'GET', `${base}/config`);
    await finish(engine, await ok(engine, 'POST', `${base}/clone`, { newid: '961' }));
    const clone = await ok(engine, 'GET', '/nodes/pve1/qemu/961/config');
    expect(clone.name).toBe('Copy-of-VM-web');
    expect(clone.scsi0).toBe('local-lvm:vm-961-disk-0,size=8G,ssd=1');
    // unusedN stays behind: the owner changes anyway.
    expect(clone.unused0).toBeUndefined();
    expect(clone.net0).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0$/);
    expect(clone.net0).not.toBe(source.net0);
    expect(clone.smbios1).toMatch(/^base64=1,manufacturer=QUNNRQ==,uuid=[0-9a-f-]{36}$/);
    expect(clone.smbios1).not.toBe(source.smbios1);
    expect(clone.vmgenid).not.toBe(source.vmgenid);
    expect(await volids(engine, 'local-lvm', 961)).toEqual(['local-lvm:vm-961-disk-0']);
    // The source keeps its own.
    expect(await volids(engine, 'local-lvm', 960)).toEqual([
      'local-lvm:vm-960-disk-0',
      'local-lvm:vm-960-disk-1',
    ]);
  });

  it('puts the copies on the storage asked for, in the format asked for', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/storage', { storage: 'tank', type: 'dir', path: '/tank', content: 'images' });
    const base = await vm(engine, 962, { scsi0: 'local-lvm:1', name: 'db' });
    await finish(
      engine,
      await ok(engine, 'POST', `${base}/clone`, {
        newid: '963',
        name: 'db2',
        storage: 'tank',
        format: 'qcow2',
      }),
    );
    const clone = await ok(engine, 'GET', '/nodes/pve1/qemu/963/config');
    expect(clone).toMatchObject({ name: 'db2', scsi0: 'tank:963/vm-963-disk-0.qcow2,size=1G' });
    const refused = await fails(engine, 'POST', `${base}/clone`, { newid: '964', storage: 'local' });
    expect(refused.errors).toEqual({ storage: "storage 'local' does not support vm images" });
  });

  it('refuses another node when a disk is on local storage', async () => {
    const engine = demoEngine();
    const base = await vm(engine, 965, { scsi0: 'local-lvm:1' });
    const refused = await fails(engine, 'POST', `${base}/clone`, { newid: '966', target: 'pve2' });
    expect(refused.message).toBe("can't clone VM to node 'pve2' (VM uses local storage)\n");
    await finish(
      engine,
      await ok(engine, 'POST', `${base}/clone`, { newid: '966', target: 'pve2', storage: 'shared-nfs' }),
    );
    const clone = await ok(engine, 'GET', '/nodes/pve2/qemu/966/config');
    expect(clone.scsi0).toBe('shared-nfs:966/vm-966-disk-0.raw,size=1G');
  });
});

describe('templates and linked clones (template_create, vdisk_clone)', () => {
  it('a template has base volumes; a linked clone references them, a full one copies', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/storage', { storage: 'tank', type: 'dir', path: '/tank', content: 'images' });
    const base = await vm(engine, 970, { scsi0: 'local-lvm:4', scsi1: 'tank:1', name: 'golden' });
    await finish(engine, await ok(engine, 'POST', `${base}/template`));
    const template = await ok(engine, 'GET', `${base}/config`);
    expect(template.template).toBe(1);
    expect(template.scsi0).toBe('local-lvm:base-970-disk-0,size=4G');
    expect(template.scsi1).toBe('tank:970/base-970-disk-0.raw,size=1G');
    await finish(engine, await ok(engine, 'POST', `${base}/clone`, { newid: '971', full: '0' }));
    const linked = await ok(engine, 'GET', '/nodes/pve1/qemu/971/config');
    // LVM-thin: a thin snapshot named like any disk; dir: the base's path, then the clone's image.
    expect(linked.scsi0).toBe('local-lvm:vm-971-disk-0,size=4G');
    expect(linked.scsi1).toBe('tank:970/base-970-disk-0.raw/971/vm-971-disk-0.qcow2,size=1G');
    expect(linked.template).toBeUndefined();
    // A template clones linked by default; storage is for full clones only.
    const storage = await fails(engine, 'POST', `${base}/clone`, { newid: '972', storage: 'tank' });
    expect(storage.message).toBe("parameter 'storage' not allowed for linked clones\n");
    await finish(
      engine,
      await ok(engine, 'POST', `${base}/clone`, { newid: '972', full: '1', storage: 'tank' }),
    );
    expect((await ok(engine, 'GET', '/nodes/pve1/qemu/972/config')).scsi0).toBe(
      'tank:972/vm-972-disk-0.raw,size=4G',
    );
  });

  it('refuses a linked clone of a VM whose disks are no base volumes', async () => {
    const engine = demoEngine();
    const base = await vm(engine, 973, { scsi0: 'local-lvm:1' });
    const refused = await fails(engine, 'POST', `${base}/clone`, { newid: '974', full: '0' });
    expect(refused.message).toBe(
      "Linked clone feature is not supported for 'local-lvm:vm-973-disk-0' (scsi0)\n",
    );
  });
});

describe('containers (pve-container API2/LXC.pm clone_vm)', () => {
  it('keeps the hostname unless given, copies rootfs, gives NICs a new hwaddr', async () => {
    const engine = demoEngine();
    await createContainer(engine, 975, {
      rootfs: 'local-lvm:2',
      hostname: 'app',
      net0: 'name=eth0,bridge=vmbr0',
    });
    const source = await ok(engine, 'GET', '/nodes/pve1/lxc/975/config');
    await finish(engine, await ok(engine, 'POST', '/nodes/pve1/lxc/975/clone', { newid: '976' }));
    const clone = await ok(engine, 'GET', '/nodes/pve1/lxc/976/config');
    expect(clone.hostname).toBe('app');
    expect(clone.rootfs).toBe('local-lvm:vm-976-disk-0,size=2G');
    expect(clone.net0).toMatch(/^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},type=veth$/);
    expect(clone.net0).not.toBe(source.net0);
  });
});

describe('destroy (destroy_vm)', () => {
  it('frees the disks and unused volumes, removes the ACLs; an HA resource needs purge', async () => {
    const engine = demoEngine();
    const base = await vm(engine, 980, { scsi0: 'local-lvm:1', scsi1: 'local-lvm:1' });
    await ok(engine, 'PUT', `${base}/config`, { delete: 'scsi1' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms/980', roles: 'PVEVMUser', users: 'root@pam' });
    await ok(engine, 'POST', '/cluster/ha/resources', { sid: 'vm:980', state: 'stopped' });
    const refused = await fails(engine, 'DELETE', base);
    expect(refused.message).toBe(
      'unable to remove VM 980 - used in HA resources and purge parameter not set.\n',
    );
    await finish(engine, await ok(engine, 'DELETE', base, { purge: '1' }));
    expect(await volids(engine, 'local-lvm', 980)).toEqual([]);
    const acl = await ok(engine, 'GET', '/access/acl');
    expect(acl.filter((e: any) => e.path === '/vms/980')).toEqual([]);
    expect((await ok(engine, 'GET', '/cluster/ha/resources')).map((r: any) => r.sid)).not.toContain('vm:980');
  });
  it('frees images no config names only with destroy-unreferenced-disks (Content.pm create, destroy_vm)', async () => {
    const engine = demoEngine();
    const a = await vm(engine, 981, { scsi0: 'local-lvm:1' });
    const b = await vm(engine, 982, { scsi0: 'local-lvm:1' });
    for (const vmid of ['981', '982'])
      await ok(engine, 'POST', '/nodes/pve1/storage/local-lvm/content', {
        vmid,
        filename: `vm-${vmid}-disk-7`,
        size: '2G',
      });
    const illegal = await fails(engine, 'POST', '/nodes/pve1/storage/local-lvm/content', {
      vmid: '981',
      filename: 'vm-999-disk-0',
      size: '1G',
    });
    expect(illegal.message).toBe("illegal name 'vm-999-disk-0' - should be 'vm-981-*'\n");
    // The next disk of 981 skips the name taken by the unreferenced image.
    await ok(engine, 'PUT', `${a}/config`, { scsi1: 'local-lvm:1' });
    expect(await volids(engine, 'local-lvm', 981)).toEqual([
      'local-lvm:vm-981-disk-0',
      'local-lvm:vm-981-disk-1',
      'local-lvm:vm-981-disk-7',
    ]);
    await finish(engine, await ok(engine, 'DELETE', a));
    expect(await volids(engine, 'local-lvm', 981)).toEqual(['local-lvm:vm-981-disk-7']);
    await finish(engine, await ok(engine, 'DELETE', b, { 'destroy-unreferenced-disks': '1' }));
    expect(await volids(engine, 'local-lvm', 982)).toEqual([]);
  });
});
