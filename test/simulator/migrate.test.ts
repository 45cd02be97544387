/**
 * Migrating a stopped guest with disks on a local storage, as qemu-server
 * src/PVE/QemuMigrate.pm does it (phase1: scan_local_volumes, sync_offline_local_volumes; the
 * config moves with update_volume_ids) and pve-container src/PVE/LXC/Migrate.pm phase1, closed
 * by pve-guest-common src/PVE/AbstractMigrate.pm migrate ("migration finished successfully",
 * or the logged error and the exit status `migration aborted`). Volume ids on the target follow
 * pve-storage src/PVE/Storage.pm storage_migrate; the storage map PVE::JSONSchema map_id.
 */
import { describe, expect, it } from 'vitest';
import type { SimulatorEngine } from '../../src/simulator/index.js';
import { demoEngine, finish, ok } from './engine-helpers.js';

const volids = async (engine: SimulatorEngine, node: string, storage: string, vmid: number) =>
  (await ok(engine, 'GET', `/nodes/${node}/storage/${storage}/content`))
    .map((v: { volid: string }) => v.volid)
    .filter((v: string) => v.includes(`-${vmid}-`))
    .sort();

const taskLog = async (engine: SimulatorEngine, node: string, upid: string) =>
  (await ok(engine, 'GET', `/nodes/${node}/tasks/${upid}/log`)).map((l: { t: string }) => l.t);

/** VM 106 (stopped, on pve1) with a second, detached disk on local-lvm. */
async function stoppedVm(engine: SimulatorEngine) {
  const vm = engine.cluster.guests.get(106)!;
  expect(vm).toMatchObject({ node: 'pve1', status: 'stopped', type: 'qemu' });
  await finish(engine, await ok(engine, 'POST', '/nodes/pve1/qemu/106/config', { scsi1: 'local-lvm:4' }));
  await ok(engine, 'PUT', '/nodes/pve1/qemu/106/config', { delete: 'scsi1' });
  expect((await ok(engine, 'GET', '/nodes/pve1/qemu/106/config')).unused0).toBe('local-lvm:vm-106-disk-1');
  return vm;
}

/** VM 106 migrated from pve1 with `params` (after `before`): the engine, the task and its end. */
async function migrateVm(
  params: Record<string, string>,
  before?: (engine: SimulatorEngine) => void | Promise<void>,
) {
  const engine = demoEngine();
  await stoppedVm(engine);
  await before?.(engine);
  const upid = await ok(engine, 'POST', '/nodes/pve1/qemu/106/migrate', params);
  const { exitstatus } = await finish(engine, upid);
  return { engine, upid, exitstatus };
}

describe('migrating a stopped VM with local disks (QemuMigrate.pm)', () => {
  it('copies them: the source storage no longer lists them, the target lists them, the config names them', async () => {
    let before: string[] = [];
    const { engine, upid, exitstatus } = await migrateVm({ target: 'pve2' }, async (e) => {
      before = await volids(e, 'pve1', 'local-lvm', 106);
    });
    expect(before).toEqual(['local-lvm:vm-106-disk-0', 'local-lvm:vm-106-disk-1']);
    expect(exitstatus).toBe('OK');
    expect(await volids(engine, 'pve1', 'local-lvm', 106)).toEqual([]);
    expect(await volids(engine, 'pve2', 'local-lvm', 106)).toEqual([
      'local-lvm:vm-106-disk-0',
      'local-lvm:vm-106-disk-1',
    ]);
    const config = await ok(engine, 'GET', '/nodes/pve2/qemu/106/config');
    expect([config.scsi0, config.unused0]).toEqual([
      'local-lvm:vm-106-disk-0,size=32G',
      'local-lvm:vm-106-disk-1',
    ]);
    expect(await taskLog(engine, 'pve1', upid)).toEqual([
      "starting migration of VM 106 to node 'pve2' (192.0.2.12)",
      "found local disk 'local-lvm:vm-106-disk-0' (attached)",
      "found local disk 'local-lvm:vm-106-disk-1' (unused)",
      'copying local disk images',
      "successfully imported 'local-lvm:vm-106-disk-0'",
      "volume 'local-lvm:vm-106-disk-0' is 'local-lvm:vm-106-disk-0' on the target",
      "successfully imported 'local-lvm:vm-106-disk-1'",
      "volume 'local-lvm:vm-106-disk-1' is 'local-lvm:vm-106-disk-1' on the target",
      'migration finished successfully (duration 00:00:01)',
      'TASK OK',
    ]);
  });

  it('targetstorage maps them to another storage: a file based one names them VMID/NAME.FORMAT', async () => {
    const { engine, exitstatus } = await migrateVm({ target: 'pve2', targetstorage: 'local-lvm:shared-nfs' });
    expect(exitstatus).toBe('OK');
    const config = await ok(engine, 'GET', '/nodes/pve2/qemu/106/config');
    expect(config.scsi0).toBe('shared-nfs:106/vm-106-disk-0.raw,size=32G');
    expect(await volids(engine, 'pve2', 'local-lvm', 106)).toEqual([]);
    expect(await volids(engine, 'pve3', 'shared-nfs', 106)).toEqual([
      'shared-nfs:106/vm-106-disk-0.raw',
      'shared-nfs:106/vm-106-disk-1.raw',
    ]);
  });

  it('a name the target holds already (a left-over copy) gives the volume another free name', async () => {
    const { engine, upid, exitstatus } = await migrateVm({ target: 'pve2' }, (e) => {
      e.storage.volumes('pve2', 'local-lvm').set('local-lvm:vm-106-disk-0', {
        volid: 'local-lvm:vm-106-disk-0',
        content: 'images',
        format: 'raw',
        size: 1024 ** 3,
        ctime: 0,
        vmid: 106,
      });
    });
    expect(exitstatus).toBe('OK');
    // In volume order: disk-0 finds its name taken and becomes disk-1, which disk-1 then finds taken.
    const log = await taskLog(engine, 'pve1', upid);
    expect(log).toContain("volume 'local-lvm:vm-106-disk-0' is 'local-lvm:vm-106-disk-1' on the target");
    expect(log).toContain("volume 'local-lvm:vm-106-disk-1' is 'local-lvm:vm-106-disk-2' on the target");
    const config = await ok(engine, 'GET', '/nodes/pve2/qemu/106/config');
    expect([config.scsi0, config.unused0]).toEqual([
      'local-lvm:vm-106-disk-1,size=32G',
      'local-lvm:vm-106-disk-2',
    ]);
  });

  it('a target storage without images content: every disk is logged, the task dies "migration aborted", nothing moves', async () => {
    const { engine, upid, exitstatus } = await migrateVm({ target: 'pve2', targetstorage: 'local' });
    expect(exitstatus).toBe('migration aborted');
    const log = await taskLog(engine, 'pve1', upid);
    expect(log.slice(3)).toEqual([
      "can't migrate local disk 'local-lvm:vm-106-disk-0': local-lvm:vm-106-disk-0: content type 'images' is not available on storage 'local'",
      "can't migrate local disk 'local-lvm:vm-106-disk-1': local-lvm:vm-106-disk-1: content type 'images' is not available on storage 'local'",
      "ERROR: Problem found while scanning volumes - can't migrate VM - check log",
      'aborting phase 1 - cleanup resources',
      "ERROR: migration aborted (duration 00:00:01): Problem found while scanning volumes - can't migrate VM - check log",
      'TASK ERROR: migration aborted',
    ]);
    expect(engine.cluster.guests.get(106)!.node).toBe('pve1');
    expect(await volids(engine, 'pve1', 'local-lvm', 106)).toHaveLength(2);
  });
});

/** A stopped container on pve1 with its root disk on local-lvm. */
async function stoppedCt() {
  const engine = demoEngine();
  const ct = [...engine.cluster.guests.values()].find(
    (g) => g.type === 'lxc' && g.node === 'pve1' && g.config.rootfs?.startsWith('local-lvm:'),
  )!;
  if (ct.status !== 'stopped')
    await finish(engine, await ok(engine, 'POST', `/nodes/pve1/lxc/${ct.vmid}/status/stop`));
  return { engine, ct };
}

describe('migrating a stopped container with a local root disk (LXC/Migrate.pm phase1)', () => {
  it('moves its volume to the target node', async () => {
    const { engine, ct } = await stoppedCt();
    const rootfs = ct.config.rootfs!.split(',')[0]!;
    const upid = await ok(engine, 'POST', `/nodes/pve1/lxc/${ct.vmid}/migrate`, { target: 'pve3' });
    expect((await finish(engine, upid)).exitstatus).toBe('OK');
    expect(await taskLog(engine, 'pve1', upid)).toEqual([
      `starting migration of CT ${ct.vmid} to node 'pve3' (192.0.2.13)`,
      `found local volume '${rootfs}' (in current VM config)`,
      `successfully imported '${rootfs}'`,
      `volume '${rootfs}' is '${rootfs}' on the target`,
      'migration finished successfully (duration 00:00:01)',
      'TASK OK',
    ]);
    expect(await volids(engine, 'pve1', 'local-lvm', ct.vmid)).toEqual([]);
    expect(await volids(engine, 'pve3', 'local-lvm', ct.vmid)).toEqual([rootfs]);
  });
});

describe('CD-ROM drives of a VM that migrates (QemuMigrate.pm scan_local_volumes test_volid)', () => {
  it('an ISO on a local storage in a drive: "local cdrom image", migration aborted; an empty drive (none) is no volume', async () => {
    const withIso = await migrateVm({ target: 'pve2' }, async (e) => {
      await ok(e, 'PUT', '/nodes/pve1/qemu/106/config', {
        ide2: 'local:iso/debian-13.1.0-amd64-netinst.iso,media=cdrom',
      });
    });
    expect(withIso.exitstatus).toBe('migration aborted');
    const log = await taskLog(withIso.engine, 'pve1', withIso.upid);
    expect(log).toContain("found local disk 'local:iso/debian-13.1.0-amd64-netinst.iso' (attached)");
    expect(log).toContain(
      "can't migrate local disk 'local:iso/debian-13.1.0-amd64-netinst.iso': local cdrom image",
    );
    expect(withIso.engine.cluster.guests.get(106)!.node).toBe('pve1');

    const empty = await migrateVm({ target: 'pve2' }, async (e) => {
      await ok(e, 'PUT', '/nodes/pve1/qemu/106/config', { ide2: 'none,media=cdrom' });
    });
    expect(empty.exitstatus).toBe('OK');
  });

  it('the cloud-init drive is a generated disk: it moves, under its own name', async () => {
    const { engine, upid, exitstatus } = await migrateVm({ target: 'pve2' }, async (e) => {
      await ok(e, 'PUT', '/nodes/pve1/qemu/106/config', { ide2: 'local-lvm:cloudinit' });
    });
    expect(exitstatus).toBe('OK');
    const log = await taskLog(engine, 'pve1', upid);
    expect(log).toContain("found generated disk 'local-lvm:vm-106-cloudinit' (in current VM config)");
    expect(log).toContain(
      "volume 'local-lvm:vm-106-cloudinit' is 'local-lvm:vm-106-cloudinit' on the target",
    );
    expect((await ok(engine, 'GET', '/nodes/pve2/qemu/106/config')).ide2).toMatch(
      /^local-lvm:vm-106-cloudinit,media=cdrom/,
    );
  });
});

const zfs = (e: SimulatorEngine) =>
  e.storage.storages.set('local-zfs', {
    storage: 'local-zfs',
    type: 'zfspool',
    content: ['images', 'rootdir'],
    shared: false,
    extra: { pool: 'rpool/data' },
    total: 1024 ** 4,
  });

describe('volumes a VM migration cannot copy (QemuMigrate.pm scan_local_volumes)', () => {
  it('a linked clone on a local ZFS storage: "as it\'s a clone of" (the additional checks for local storage)', async () => {
    const { engine, upid, exitstatus } = await migrateVm({ target: 'pve2' }, (e) => {
      zfs(e);
      e.cluster.guests.get(106)!.config.scsi0 = 'local-zfs:base-9000-disk-0/vm-106-disk-0,size=8G';
    });
    expect(exitstatus).toBe('migration aborted');
    const why =
      "Problem found while scanning volumes - can't migrate 'local-zfs:base-9000-disk-0/vm-106-disk-0' as it's a clone of 'base-9000-disk-0' at /usr/share/perl5/PVE/QemuMigrate.pm line 586.";
    const log = await taskLog(engine, 'pve1', upid);
    expect(log).toContain(`ERROR: ${why}`);
    expect(log).toContain(`ERROR: migration aborted (duration 00:00:01): ${why}`);
  });

  it('a drive that is a host path: "local file/device"; marked shared it is no volume', async () => {
    const local = await migrateVm({ target: 'pve2' }, (e) => {
      e.cluster.guests.get(106)!.config.scsi2 = '/dev/sdb';
    });
    expect(local.exitstatus).toBe('migration aborted');
    const log = await taskLog(local.engine, 'pve1', local.upid);
    expect(log).toContain("found local disk '/dev/sdb'");
    expect(log).toContain("can't migrate local disk '/dev/sdb': local file/device");
    const shared = await migrateVm({ target: 'pve2' }, (e) => {
      e.cluster.guests.get(106)!.config.scsi2 = '/dev/sdb,shared=1';
    });
    expect(shared.exitstatus).toBe('OK');
  });
});

describe('mount points a container migration refuses (LXC/Migrate.pm prepare)', () => {
  async function migrateCt(mp0: string) {
    const { engine, ct } = await stoppedCt();
    ct.config.mp0 = mp0;
    const upid = await ok(engine, 'POST', `/nodes/pve1/lxc/${ct.vmid}/migrate`, { target: 'pve3' });
    const { exitstatus } = await finish(engine, upid);
    return { exitstatus, log: await taskLog(engine, 'pve1', upid), ct, engine };
  }

  it('a bind mount and a device mount point die in prepare: no phase1 line, "migration aborted"', async () => {
    for (const [value, type] of [
      ['/mnt/data,mp=/data', 'bind'],
      ['/dev/sdb1,mp=/data', 'device'],
    ] as const) {
      const { exitstatus, log, ct, engine } = await migrateCt(value);
      expect(exitstatus).toBe('migration aborted');
      expect(log).toEqual([
        `ERROR: migration aborted (duration 00:00:01): cannot migrate local ${type} mount point 'mp0'`,
        'TASK ERROR: migration aborted',
      ]);
      expect(engine.cluster.guests.get(ct.vmid)!.node).toBe('pve1');
    }
  });

  it('a shared bind mount is passed over in phase1 (test_mp "ignoring shared")', async () => {
    const { exitstatus, log } = await migrateCt('/mnt/data,mp=/data,shared=1');
    expect(exitstatus).toBe('OK');
    expect(log).toContain("ignoring shared 'bind' mount point 'mp0' ('/mnt/data')");
  });
});
