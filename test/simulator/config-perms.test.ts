/**
 * Per-key permissions on guest config changes (issue 14.5): the config endpoints' schemas
 * let in anyone with one of the VM.Config.* privileges; qemu-server PVE/API2/Qemu.pm
 * `$check_vm_modify_config_perm` (with `$check_drive_perms` for drives) and pve-container
 * src/PVE/LXC.pm `check_ct_modify_config_perm` then decide key by key.
 */
import { describe, expect, it } from 'vitest';
import { as, type Caller, createContainer, demoEngine, finish, ok, tokenCaller } from './engine-helpers.js';

type Engine = ReturnType<typeof demoEngine>;

/** A user whose token (without privilege separation) holds `privs` on /vms/<vmid> only. */
async function callerWith(engine: Engine, vmid: number, privs: string): Promise<Caller> {
  await ok(engine, 'POST', '/access/roles', { roleid: 'Narrow', privs });
  await ok(engine, 'POST', '/access/users', { userid: 'ops@pve' });
  await ok(engine, 'PUT', '/access/acl', { path: `/vms/${vmid}`, roles: 'Narrow', users: 'ops@pve' });
  const token = await ok(engine, 'POST', '/access/users/ops@pve/token/tok', { privsep: '0' });
  return tokenCaller(engine, 'ops@pve!tok', token.value);
}

async function newVm(engine: Engine, vmid: number): Promise<string> {
  await finish(
    engine,
    await ok(engine, 'POST', '/nodes/pve1/qemu', { vmid: String(vmid), scsi0: 'local-lvm:1' }),
  );
  return `/nodes/pve1/qemu/${vmid}/config`;
}

describe('qemu: check_vm_modify_config_perm', () => {
  it('a VM user (PVEVMUser) may not set the description: VM.Config.Options', async () => {
    const engine = demoEngine({ authFailureDelayMs: 0 });
    const path = await newVm(engine, 940);
    await ok(engine, 'POST', '/access/users', { userid: 'vmuser@pve' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms/940', roles: 'PVEVMUser', users: 'vmuser@pve' });
    const token = await ok(engine, 'POST', '/access/users/vmuser@pve/token/tok', { privsep: '0' });
    const caller = tokenCaller(engine, 'vmuser@pve!tok', token.value);
    const refused = await as(engine, caller, 'PUT', path, { description: 'mine now' });
    expect(refused.status).toBe(403);
    expect(refused.message).toBe('Permission check failed (/vms/940, VM.Config.Options)');
    expect((await ok(engine, 'GET', path)).description).toBeUndefined();
    // The cloud-init keys take VM.Config.Cloudinit or VM.Config.Network ($cloudinitoptions).
    expect((await as(engine, caller, 'PUT', path, { ciuser: 'admin' })).status).toBe(200);
  });

  it('each key class needs its own privilege: CPU, Memory, Network, Disk', async () => {
    const engine = demoEngine({ authFailureDelayMs: 0 });
    const path = await newVm(engine, 941);
    const caller = await callerWith(engine, 941, 'VM.Config.Network');
    expect((await as(engine, caller, 'PUT', path, { net0: 'virtio,bridge=vmbr0' })).status).toBe(200);
    const cases: [Record<string, string>, string][] = [
      [{ cores: '4' }, 'VM.Config.CPU'],
      [{ memory: '4096' }, 'VM.Config.Memory'],
      [{ vga: 'std' }, 'VM.Config.HWType'],
      [{ boot: 'order=scsi0' }, 'VM.Config.Disk'],
      // A drive is checked by its value ($check_drive_perms): a disk needs VM.Config.Disk.
      [{ delete: 'scsi0' }, 'VM.Config.Disk'],
    ];
    for (const [params, priv] of cases) {
      const refused = await as(engine, caller, 'PUT', path, params);
      expect(refused.status, JSON.stringify(params)).toBe(403);
      expect(refused.message).toBe(`Permission check failed (/vms/941, ${priv})`);
    }
    // A new disk: $check_storage_access asks for space on the storage first, then the drive
    // check wants VM.Config.Disk.
    const noSpace = await as(engine, caller, 'PUT', path, { scsi1: 'local-lvm:1' });
    expect(noSpace.message).toBe('Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)');
    await ok(engine, 'PUT', '/access/acl', {
      path: '/storage/local-lvm',
      roles: 'PVEDatastoreUser',
      users: 'ops@pve',
    });
    const noDisk = await as(engine, caller, 'PUT', path, { scsi1: 'local-lvm:1' });
    expect(noDisk.message).toBe('Permission check failed (/vms/941, VM.Config.Disk)');
    const config = await ok(engine, 'GET', path);
    expect(config.scsi1).toBeUndefined();
    expect(config.scsi0).toBe('local-lvm:vm-941-disk-0,size=1G');
  });

  it('keys no class covers are for root@pam only, even with every VM privilege', async () => {
    const engine = demoEngine({ authFailureDelayMs: 0 });
    const path = await newVm(engine, 942);
    await ok(engine, 'POST', '/access/users', { userid: 'admin@pve' });
    await ok(engine, 'PUT', '/access/acl', { path: '/', roles: 'Administrator', users: 'admin@pve' });
    const token = await ok(engine, 'POST', '/access/users/admin@pve/token/tok', { privsep: '0' });
    const admin = tokenCaller(engine, 'admin@pve!tok', token.value);
    const refused = await as(engine, admin, 'PUT', path, { args: '-no-reboot' });
    expect(refused.status).toBe(500);
    expect(refused.message).toBe("only root can set 'args' config");
    expect((await as(engine, admin, 'PUT', path, { description: 'ok', startup: 'order=1' })).status).toBe(
      200,
    );
    await ok(engine, 'PUT', path, { args: '-no-reboot' });
    expect((await ok(engine, 'GET', path)).args).toBe('-no-reboot');
  });

  it('startup also needs Sys.Modify on / (it changes how the host boots)', async () => {
    const engine = demoEngine({ authFailureDelayMs: 0 });
    const path = await newVm(engine, 943);
    const caller = await callerWith(engine, 943, 'VM.Config.Options');
    expect((await as(engine, caller, 'PUT', path, { onboot: '1' })).status).toBe(200);
    const refused = await as(engine, caller, 'PUT', path, { startup: 'order=2' });
    expect(refused.status).toBe(403);
    expect(refused.message).toBe('Permission check failed (/, Sys.Modify)');
  });
});

describe('lxc: check_ct_modify_config_perm', () => {
  it('hostname is a network key; hookscript and devices are for root@pam', async () => {
    const engine = demoEngine({ authFailureDelayMs: 0 });
    const path = await createContainer(engine, 944);
    const caller = await callerWith(engine, 944, 'VM.Config.Network,VM.Config.Options');
    expect((await as(engine, caller, 'PUT', path, { hostname: 'web' })).status).toBe(200);
    expect((await as(engine, caller, 'PUT', path, { description: 'x' })).status).toBe(200);
    const memory = await as(engine, caller, 'PUT', path, { memory: '1024' });
    expect(memory.message).toBe('Permission check failed (/vms/944, VM.Config.Memory)');
    const hook = await as(engine, caller, 'PUT', path, { hookscript: 'local:snippets/hook.pl' });
    expect(hook.status).toBe(403);
    expect(hook.message).toBe(
      'Permission check failed (changing the hookscript is only allowed for root@pam)',
    );
    const dev = await as(engine, caller, 'PUT', path, { dev0: '/dev/ttyUSB0' });
    expect(dev.message).toBe(
      'Permission check failed (configuring device passthrough is only allowed for root@pam)',
    );
    // A privileged container's feature flags are root's alone.
    const features = await as(engine, caller, 'PUT', path, { features: 'nesting=1' });
    expect(features.message).toBe(
      'Permission check failed (changing feature flags for privileged container is only allowed for root@pam)',
    );
  });

  it('on an unprivileged container, nesting alone may change, with VM.Allocate', async () => {
    const engine = demoEngine({ authFailureDelayMs: 0 });
    const path = await createContainer(engine, 945, { unprivileged: '1' });
    const caller = await callerWith(engine, 945, 'VM.Config.Options,VM.Allocate');
    expect((await as(engine, caller, 'PUT', path, { features: 'nesting=1' })).status).toBe(200);
    const keyctl = await as(engine, caller, 'PUT', path, { features: 'nesting=1,keyctl=1' });
    expect(keyctl.message).toBe(
      'Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)',
    );
    expect((await ok(engine, 'GET', path)).features).toBe('nesting=1');
  });
});
