/**
 * Custom cloud-init data for a VM without a snippets storage: build a NoCloud seed ISO
 * (label `cidata`, `user-data`, `meta-data`, `network-config`) here, upload it to an `iso`
 * storage and attach it as a CD-ROM; then import a disk image with `import-from`. Starts
 * the simulator in this process, so it needs no server:
 *
 *   node --import tsx examples/nocloud-seed.ts [vmid]     (default 106, a stopped VM)
 *
 * Against a real server, connect with your host and token (or `ProxmoxSDK.fromEnv()`)
 * instead of startSimulator(); the workflow calls stay the same. The VM must not have a PVE
 * cloud-init drive (two `cidata` sources would leave cloud-init to pick one).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxmoxSDK, workflows } from '../src/index.js';
import { startSimulator } from '../src/simulator/index.js';

const vmid = Number(process.argv[2] ?? 106);
const sim = await startSimulator({ service: 'PVE', taskDurationMs: 50 });
const dir = await mkdtemp(join(tmpdir(), 'nocloud-example-'));
try {
  const root = sim.users.find((u) => u.userid === 'root@pam')!;
  await using px = await ProxmoxSDK.connect({
    host: sim.url,
    fingerprint: sim.fingerprint,
    user: root.userid,
    password: root.password,
  });
  const vm = await workflows(px).guests.find(vmid);

  const userData = ['#cloud-config', 'users:', '  - name: ops', '    sudo: ALL=(ALL) NOPASSWD:ALL', ''].join(
    '\n',
  );
  const networkConfig = 'version: 2\nethernets:\n  eth0:\n    dhcp4: true\n';
  const seed = await vm.attachNoCloud({ userData, networkConfig });
  console.log(`seed ${seed.volid} (${seed.size} bytes) on ${seed.drive}, uploaded: ${seed.uploaded}`);
  // The image's name carries a hash of the data: the same data again uploads nothing.
  const again = await vm.attachNoCloud({ userData, networkConfig });
  console.log(`same data again: uploaded: ${again.uploaded}`);

  // A disk image (here 1 MiB of zeros standing in for a cloud image) onto `import` content,
  // then a new disk copied from it: `scsi1: local-lvm:0,import-from=local:import/...`.
  const image = join(dir, 'cloud-image.qcow2');
  await writeFile(image, Buffer.alloc(1024 * 1024));
  const up = await px.files.upload({ node: vm.node, storage: 'local', content: 'import', file: image });
  const disk = await vm.importDisk('scsi1', { storage: 'local-lvm', source: up.volid });
  console.log(`imported ${up.volid} as ${disk.disk}: ${disk.volid}`);
  const config = await vm.config();
  console.log(`ide2: ${config.ide2}`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await sim.close();
}
