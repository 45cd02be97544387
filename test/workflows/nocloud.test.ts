/**
 * The NoCloud seed ISO: built here (src/workflows/iso9660.ts, nocloud.ts), read back with an
 * independent reader (./iso-reader.ts), then uploaded to the simulator and attached.
 * cloud-init's DataSourceNoCloud looks for a filesystem labelled `cidata` holding
 * `user-data` and `meta-data` (and optionally `network-config`, `vendor-data`).
 */
import { describe, expect, it } from 'vitest';
import { buildIso, InvalidArgumentError, noCloudFiles, noCloudIso } from '../../src/index.js';
import { connect, rejection } from './helpers.js';
import { contents, descriptors, listDirectory, pathTableRoot } from './iso-reader.js';

const DATE = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const USER_DATA = '#cloud-config\nusers:\n  - name: ops\n    ssh_authorized_keys: [ssh-ed25519 AAAA ops@x]\n';
const NETWORK = 'version: 2\nethernets:\n  eth0: {dhcp4: true}\n';

function seed() {
  const files = noCloudFiles(
    { userData: USER_DATA, networkConfig: NETWORK },
    { instanceId: 'iid-101-abc', hostname: 'web-1' },
  );
  return noCloudIso(files, DATE);
}

describe('NoCloud ISO image (ECMA-119 with Joliet), read back', () => {
  it('has a primary and a Joliet descriptor labelled cidata, then the terminator, and the size it says', () => {
    const image = seed();
    expect(image.length % 2048).toBe(0);
    expect(image.subarray(0, 16 * 2048).every((b) => b === 0)).toBe(true);
    const [primary, joliet, ...rest] = descriptors(image);
    expect(rest).toEqual([]);
    expect(primary).toMatchObject({ type: 1, volumeId: 'cidata', blockSize: 2048 });
    expect(joliet).toMatchObject({ type: 2, volumeId: 'cidata', escape: '%/E', blockSize: 2048 });
    expect(primary!.spaceSize * 2048).toBe(image.length);
    expect(joliet!.spaceSize).toBe(primary!.spaceSize);
    expect(primary!.created).toBe('2026010203040500');
    for (const d of [primary!, joliet!]) {
      expect(d.root.directory).toBe(true);
      expect(d.pathTableSize).toBe(10);
      expect(pathTableRoot(image, d.lPathTable, true)).toBe(d.root.extent);
      expect(pathTableRoot(image, d.mPathTable, false)).toBe(d.root.extent);
    }
    expect(joliet!.root.extent).not.toBe(primary!.root.extent);
  });

  it("the Joliet tree keeps cloud-init's names, the primary one has 8.3 names, both reach the same bytes", () => {
    const image = seed();
    const [primary, joliet] = descriptors(image);
    const long = listDirectory(image, joliet!.root, true);
    const short = listDirectory(image, primary!.root, false);
    expect(long.map((e) => e.name)).toEqual(['.', '..', 'meta-data;1', 'network-config;1', 'user-data;1']);
    expect(short.map((e) => e.name)).toEqual(['.', '..', 'META_DAT.;1', 'NETWORK_.;1', 'USER_DAT.;1']);
    expect(long[0]!.extent).toBe(joliet!.root.extent);
    const byName = Object.fromEntries(long.map((e) => [e.name, e]));
    expect(contents(image, byName['user-data;1']!)).toBe(USER_DATA);
    expect(contents(image, byName['network-config;1']!)).toBe(NETWORK);
    expect(contents(image, byName['meta-data;1']!)).toBe('instance-id: iid-101-abc\nlocal-hostname: web-1\n');
    expect(short.slice(2).map((e) => [e.extent, e.size])).toEqual(
      long.slice(2).map((e) => [e.extent, e.size]),
    );
    expect(byName['user-data;1']!.recorded).toEqual(DATE);
  });

  it('a file larger than a sector spans consecutive sectors; the next file starts after it', () => {
    const big = 'x'.repeat(5000);
    const image = buildIso({
      volumeId: 'cidata',
      files: [
        { name: 'a', data: new TextEncoder().encode(big) },
        { name: 'b', data: new TextEncoder().encode('tail') },
      ],
      date: DATE,
    });
    const [, joliet] = descriptors(image);
    const [, , a, b] = listDirectory(image, joliet!.root, true);
    expect(contents(image, a!)).toBe(big);
    expect(b!.extent).toBe(a!.extent + 3);
    expect(contents(image, b!)).toBe('tail');
  });

  it('refuses a label or name an ISO cannot hold, with InvalidArgumentError', () => {
    const data = new Uint8Array(1);
    expect(() => buildIso({ volumeId: 'x'.repeat(17), files: [] })).toThrow(InvalidArgumentError);
    expect(() => buildIso({ volumeId: 'cidata', files: [{ name: 'a/b', data }] })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      buildIso({
        volumeId: 'cidata',
        files: [
          { name: 'a', data },
          { name: 'a', data },
        ],
      }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('guest.attachNoCloud against the simulator', () => {
  async function stoppedVm() {
    const sim = await connect();
    const g = [...sim.engine.cluster.guests.values()].find(
      (x) => x.type === 'qemu' && x.status === 'stopped',
    )!;
    return { ...sim, vm: await sim.wf.guests.find(g.vmid), record: g };
  }

  it('uploads the image to an iso storage (checksum verified by the node) and attaches it as ide2 CD-ROM', async () => {
    const { vm, engine, record } = await stoppedVm();
    const done = await vm.attachNoCloud({ userData: USER_DATA, networkConfig: NETWORK, date: DATE });
    expect(done.uploaded).toBe(true);
    expect(done.drive).toBe('ide2');
    expect(done.volid).toMatch(new RegExp(`^local:iso/cidata-${vm.vmid}-[0-9a-f]{12}\\.iso$`));
    // qemu-server create_disks records the ISO's size too (volume_size_info).
    expect((await vm.config()).ide2).toBe(`${done.volid},media=cdrom,size=${done.size / 1024}K`);
    const stored = engine.storage.volumes(vm.node, 'local').get(done.volid);
    expect(stored).toMatchObject({ content: 'iso', size: done.size });
    const upload = [...engine.tasks.tasks.values()].find((t) => t.type === 'imgcopy');
    expect(upload?.exitstatus).toBe('OK');
    // meta-data names the guest and an instance id carrying the data's hash.
    const hash = done.volid.match(/-([0-9a-f]{12})\.iso$/)![1];
    const image = noCloudIso(
      noCloudFiles(
        { userData: USER_DATA, networkConfig: NETWORK },
        { instanceId: `iid-${vm.vmid}-${hash}`, hostname: String(record.config.name) },
      ),
      DATE,
    );
    expect(image.length).toBe(done.size);
  });

  it('run twice with the same data uploads nothing the second time; new data is a new image', async () => {
    const { vm, engine } = await stoppedVm();
    const first = await vm.attachNoCloud({ userData: USER_DATA });
    const again = await vm.attachNoCloud({ userData: USER_DATA });
    expect(again).toMatchObject({ uploaded: false, volid: first.volid });
    expect([...engine.tasks.tasks.values()].filter((t) => t.type === 'imgcopy')).toHaveLength(1);
    const changed = await vm.attachNoCloud({ userData: `${USER_DATA}packages: [nginx]\n` });
    expect(changed.uploaded).toBe(true);
    expect(changed.volid).not.toBe(first.volid);
    expect((await vm.config()).ide2).toBe(`${changed.volid},media=cdrom,size=${changed.size / 1024}K`);
  });

  it("refuses beside PVE's own cloud-init drive, over a disk, and for a container, before uploading", async () => {
    const { vm, engine, wf } = await stoppedVm();
    await vm.configure({ ide0: 'local-lvm:cloudinit' });
    const beside = await rejection(vm.attachNoCloud({ userData: USER_DATA }));
    expect(beside).toBeInstanceOf(InvalidArgumentError);
    expect((beside as Error).message).toMatch(/ide0 is a PVE cloud-init drive/);
    await vm.configure({}, { delete: ['ide0'] });
    await vm.configure({ sata1: 'local-lvm:1' }); // a new 1 GiB disk
    const over = await rejection(vm.attachNoCloud({ userData: USER_DATA, drive: 'sata1' }));
    expect((over as Error).message).toMatch(/sata1 holds a disk/);
    const ct = [...engine.cluster.guests.values()].find((g) => g.type === 'lxc')!;
    expect(await rejection((await wf.guests.find(ct.vmid)).attachNoCloud({ userData: '' }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect([...engine.tasks.tasks.values()].filter((t) => t.type === 'imgcopy')).toHaveLength(0);
  });
});
