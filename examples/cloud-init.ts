/**
 * Prepare a VM for its first boot: cloud-init user, password, SSH keys, address and DNS
 * (typed, and the SSH keys encoded the way PVE decodes them), the cloud-init drive rebuilt;
 * then a data disk added by `STORAGE:SIZE`, grown and moved to another storage. Reads the
 * config back and prints it. Starts the simulator in this process:
 *
 *   node --import tsx examples/cloud-init.ts [vmid]     (default 124, a stopped VM)
 *
 * Against a real server, use `workflows(await ProxmoxSDK.fromEnv())` instead of the demo
 * simulator; the workflow calls stay the same.
 */
import { decodeSshKeys, workflows } from '../src/index.js';
import { startDemoSimulator } from './demo-simulator.js';

const vmid = Number(process.argv[2] ?? 124);
// Your public key, e.g. the contents of ~/.ssh/id_ed25519.pub (PVE checks that it is a key).
const sshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID08q33j/nNqpfcIcPAJlNJManxE8ifvbV9wd22Km1/N ops@laptop';
await using demo = await startDemoSimulator();
const vm = await workflows(demo.px).guests.find(vmid);

// A cloud-init drive for PVE to write the settings to, then the settings. The trap the
// workflow handles: `sshkeys` must be percent-encoded with %20 (a `+` or a space is refused).
await vm.configure({ ide2: 'local-lvm:cloudinit' });
const ci = await vm.cloudInit({
  user: 'ops',
  password: 'Example-Only-1', // PVE stores a hash and shows it as **********
  sshKeys: [sshKey],
  ipConfig: [{ ip: '10.0.0.24/24', gw: '10.0.0.1' }],
  nameservers: ['10.0.0.2', '10.0.0.3'],
  searchDomain: 'lab.example',
});
console.log(`cloud-init: set ${ci.keys.join(', ')}; drive regenerated: ${ci.regenerated}`);

// A new 4 GiB disk on local-lvm (`STORAGE:SIZE`, in GiB), then 2 GiB more, then moved.
const scsi1 = async () => (await vm.config()).scsi1;
await vm.configure({ scsi1: 'local-lvm:4,discard=on' });
console.log(`added scsi1: ${await scsi1()}`);
await vm.resizeDisk('scsi1', '+2G');
console.log(`grown: ${await scsi1()}`);
// The source volume is removed once copied (deleteSource defaults to true).
await vm.moveDisk('scsi1', 'shared-nfs');

const config = await vm.config();
const shown = ['ciuser', 'cipassword', 'ipconfig0', 'nameserver', 'searchdomain', 'ide2', 'scsi1'];
for (const key of shown) console.log(`${key}: ${config[key]}`);
const unused = Object.keys(config).filter((k) => k.startsWith('unused'));
console.log(`unused disks: ${unused.length ? unused.join(', ') : 'none'}`);
// Stored percent-encoded; decodeSshKeys gives the keys back as written.
console.log(`sshkeys: ${decodeSshKeys(String(config.sshkeys)).join(' | ')}`);
