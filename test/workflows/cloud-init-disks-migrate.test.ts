import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSshKeys, encodeSshKeys } from '../../src/workflows/cloud-init.js';
import { connect } from './helpers.js';

/** A real OpenSSH ed25519 public key line: the blob is string type, string key (RFC 8709). */
function ed25519Key(comment: string): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (b: Buffer) => {
    const out = Buffer.alloc(4 + b.length);
    out.writeUInt32BE(b.length, 0);
    b.copy(out, 4);
    return out;
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

const KEYS = [ed25519Key('alice@laptop'), ed25519Key("bob (work) + ci's key!")];

// qemu-server PVE/API2/Qemu.pm update_vm_api: sshkeys is uri_unescape'd to check the keys
// (PVE::Tools::validate_ssh_public_keys) and stored as sent, still percent-encoded.
describe('cloud-init (qemu-server PVE/API2/Qemu.pm update_vm_api, sshkeys)', () => {
  it('stores the keys percent-encoded, spaces as %20 (never +), and they decode to the keys given', async () => {
    const { px, wf, engine } = await connect();
    const vm = await wf.guests.find('dns-06');
    const result = await vm.cloudInit({
      user: 'deploy',
      password: 'Cloud-Secret-1',
      sshKeys: KEYS,
      ipConfig: [{ ip: '10.0.0.5/24', gw: '10.0.0.1' }],
      nameservers: ['1.1.1.1', '9.9.9.9'],
      searchDomain: 'example.test',
    });
    expect(result.keys.sort()).toEqual(
      ['ciuser', 'cipassword', 'ipconfig0', 'nameserver', 'searchdomain', 'sshkeys'].sort(),
    );
    const config = await px.nodes(vm.node).qemu(vm.vmid).config.get();
    const stored = String(config.sshkeys);
    expect(stored).not.toMatch(/[ +]/);
    expect(stored).toContain('ssh-ed25519%20');
    expect(stored).toBe(encodeSshKeys(KEYS));
    expect(decodeSshKeys(stored)).toEqual(KEYS);
    expect(config).toMatchObject({
      ciuser: 'deploy',
      ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1',
      nameserver: '1.1.1.1 9.9.9.9',
      searchdomain: 'example.test',
    });
    expect(engine.cluster.guests.get(vm.vmid)!.config.sshkeys).toBe(stored);
    // qemu-server PVE/API2/Qemu.pm vm_config and vm_pending mask cipassword.
    expect(config.cipassword).toBe('**********');
    const pending = await px.nodes(vm.node).qemu(vm.vmid).pending.get();
    expect(JSON.stringify(pending)).not.toContain('Cloud-Secret-1');
  });

  // The trap: form encoding (Python's quote_plus, Go's url.QueryEscape) sends '+' for a space;
  // pve-common PVE/JSONSchema.pm pve_verify_urlencoded refuses '+' and spaces (400), and
  // PVE/Tools.pm validate_ssh_public_keys refuses what uri_unescape cannot make a key of.
  it('the server refuses the keys form-encoded or unencoded, and takes them as the workflow encodes them', async () => {
    const { px, wf } = await connect();
    const vm = await wf.guests.find('dns-06');
    const formEncoded = encodeURIComponent(KEYS[0]!).replace(/%20/g, '+');
    await expect(
      px.request('PUT /nodes/{node}/qemu/{vmid}/config', {
        node: vm.node,
        vmid: vm.vmid,
        sshkeys: formEncoded,
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      errors: { sshkeys: expect.stringContaining('invalid urlencoded string') },
    });
    await expect(
      px.request('PUT /nodes/{node}/qemu/{vmid}/config', { node: vm.node, vmid: vm.vmid, sshkeys: KEYS[0]! }),
    ).rejects.toMatchObject({ statusCode: 400 });
    // Encoded, but no key inside: the ssh-keygen check of validate_ssh_public_keys.
    await expect(vm.cloudInit({ sshKeys: 'ssh-ed25519 bm90IGEga2V5 mallory' })).rejects.toMatchObject({
      statusCode: 500,
      message: expect.stringContaining('SSH public key validation error'),
    });
    await vm.cloudInit({ sshKeys: KEYS[1]! });
    expect(decodeSshKeys(String((await px.nodes(vm.node).qemu(vm.vmid).config.get()).sshkeys))).toEqual([
      KEYS[1],
    ]);
  });

  it('refuses a container and a malformed ipconfig before sending anything', async () => {
    const { wf, engine } = await connect();
    const ct = [...engine.cluster.guests.values()].find((g) => g.type === 'lxc')!;
    const guest = await wf.guests.find(ct.vmid);
    await expect(guest.cloudInit({ user: 'x' })).rejects.toMatchObject({ code: 'PROXMOX_INVALID_ARGUMENT' });
    const vm = await wf.guests.find('dns-06');
    await expect(vm.cloudInit({ ipConfig: [{ ip: '10.0.0.5/24,gw=evil' }] })).rejects.toMatchObject({
      code: 'PROXMOX_INVALID_ARGUMENT',
    });
    expect(engine.cluster.guests.get(vm.vmid)!.config.ipconfig0).toBeUndefined();
  });
});

describe('disks (qemu-server PVE/API2/Qemu.pm resize_vm, move_vm_disk)', () => {
  it('grows a disk by +10G and to 64G, waiting for the resize task; refuses to shrink', async () => {
    const { px, wf } = await connect();
    const vm = await wf.guests.find('dns-06');
    const grown = await vm.resizeDisk('scsi0', '+10G');
    expect(grown?.exitstatus).toBe('OK');
    expect(String((await px.nodes(vm.node).qemu(vm.vmid).config.get()).scsi0)).toContain('size=42G');
    await vm.resizeDisk('scsi0', '64G');
    expect(String((await px.nodes(vm.node).qemu(vm.vmid).config.get()).scsi0)).toContain('size=64G');
    await expect(vm.resizeDisk('scsi0', '10G')).rejects.toMatchObject({ statusCode: 500 });
    await expect(vm.resizeDisk('scsi0', '10 G')).rejects.toMatchObject({ code: 'PROXMOX_INVALID_ARGUMENT' });
  });

  // qemu-server PVE/API2/Qemu.pm move_vm_disk (load_and_check_move, move_updatefn).
  it('moves a disk to another storage, waits, and removes the source (deleteSource default)', async () => {
    const { px, wf } = await connect();
    const vm = await wf.guests.find('web-24'); // no snapshots
    const moved = await vm.moveDisk('scsi0', 'shared-nfs');
    expect(moved.exitstatus).toBe('OK');
    expect(moved.upid).toMatch(/:qmmove:124:/);
    const config = await px.nodes(vm.node).qemu(vm.vmid).config.get();
    expect(config.scsi0).toBe('shared-nfs:124/vm-124-disk-0.raw,size=32G');
    expect(Object.keys(config).filter((k) => k.startsWith('unused'))).toEqual([]);
  });

  it('keeps a source a snapshot still uses: refused with delete, kept as unused0 without', async () => {
    const { px, wf } = await connect();
    const vm = await wf.guests.find('dns-06'); // has the snapshot before_upgrade
    await expect(vm.moveDisk('scsi0', 'shared-nfs')).rejects.toMatchObject({
      statusCode: 500,
      message: expect.stringContaining("you can't move a disk with snapshots and delete the source"),
    });
    await vm.moveDisk('scsi0', 'shared-nfs', { deleteSource: false });
    const config = await px.nodes(vm.node).qemu(vm.vmid).config.get();
    expect(config).toMatchObject({
      scsi0: 'shared-nfs:106/vm-106-disk-0.raw,size=32G',
      unused0: 'local-lvm:vm-106-disk-0',
    });
  });

  it('refuses a storage without images content and the storage the disk is on', async () => {
    const { wf } = await connect();
    const vm = await wf.guests.find('web-24');
    await expect(vm.moveDisk('scsi0', 'local')).rejects.toMatchObject({
      statusCode: 400,
      errors: { storage: "storage 'local' does not support vm images" },
    });
    await expect(vm.moveDisk('scsi0', 'local-lvm')).rejects.toMatchObject({
      message: expect.stringContaining("you can't move to the same storage with same format"),
    });
  });
});

// pve-container PVE/API2/LXC.pm move_volume (move_to_storage_checks, storage_realcmd).
describe('container volumes (move_volume)', () => {
  it("moves a stopped container's rootfs and waits; a running one is refused", async () => {
    const { px, wf } = await connect();
    const ct = await wf.guests.find('mail-15'); // stopped, no snapshots
    const moved = await ct.moveDisk('rootfs', 'shared-nfs');
    expect(moved.upid).toMatch(/:move_volume:115:/);
    const config = await px.nodes(ct.node).lxc(ct.vmid).config.get();
    expect(config.rootfs).toBe('shared-nfs:115/vm-115-disk-0.raw,size=8G');
    expect(config.lock).toBeUndefined();
    const running = await wf.guests.find('git-09');
    await expect(running.moveDisk('rootfs', 'shared-nfs')).rejects.toMatchObject({
      message: expect.stringContaining('cannot move volumes of a running container'),
    });
  });
});

describe('migrate (qemu-server PVE/API2/Qemu.pm migrate_vm)', () => {
  it('moves a stopped VM offline, waits, and the handle and the cluster follow it', async () => {
    const { wf } = await connect();
    const vm = await wf.guests.find('dns-06');
    const from = vm.node;
    const to = from === 'pve2' ? 'pve3' : 'pve2';
    const done = await vm.migrate(to);
    expect(done).toMatchObject({ vmid: vm.vmid, from, to });
    expect(done.upid).toMatch(/:qmigrate:/);
    expect(vm.node).toBe(to);
    expect((await wf.guests.find('dns-06')).node).toBe(to);
  });

  it('moves a running VM online (the workflow sets online=1 itself); its local disks need withLocalDisks', async () => {
    const { wf } = await connect();
    const vm = await wf.guests.find('web-00');
    expect(await vm.state()).toBe('running');
    // qemu-server PVE/QemuMigrate.pm scan_local_volumes: the task fails without it.
    await expect(vm.migrate('pve3')).rejects.toMatchObject({
      exitStatus: 'migration aborted',
    });
    const done = await vm.migrate('pve3', { withLocalDisks: true });
    expect(done.to).toBe('pve3');
    const found = await wf.guests.find('web-00');
    expect([found.node, await found.state()]).toEqual(['pve3', 'running']);
  });
});
