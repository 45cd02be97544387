/**
 * Seed guide, "Real-World Example: CI/CD Pipeline" (see ci/deploy-vm.yml for the workflow).
 *
 * The connection comes from PROXMOX_* variables (repository secrets). Unlike the seed, which
 * prints the UPID and exits while the VM is still being created, this waits for the task,
 * so the job fails when the creation fails. The seed's fixed `vmid=100` collides with any
 * existing VM 100; PROXMOX_VMID picks one, else the cluster's next free id is used.
 *
 *   PROXMOX_NODE=pve1 node --import tsx examples/ci-deploy-vm.ts
 */
import { ProxmoxSDK } from '../src/index.js';

await using px = ProxmoxSDK.fromEnv();
const node = process.env.PROXMOX_NODE || 'pve1';
const vmid = Number(process.env.PROXMOX_VMID || (await px.cluster.nextid.get()));

const upid: string = await px.nodes(node).qemu.post({ vmid, name: 'ci-vm', memory: 2048 });
console.log(`VM created: ${upid}`);
const task = await px.tasks.wait(upid, { timeout: 10 * 60_000, onLog: (line) => console.log(`  ${line}`) });
console.log(`VM ${vmid} on ${node}: ${task.exitstatus}`);
