/**
 * Move a running VM to another node without stopping it, then cycle its power: a shutdown
 * with a time limit and a hard stop when the guest does not finish in time, a wait until it
 * is stopped, and a start that waits until the guest agent answers. Starts the simulator in
 * this process:
 *
 *   node --import tsx examples/migrate-power.ts [guest] [target-node]   (default web-00 pve2)
 *
 * Against a real server, use `workflows(await ProxmoxSDK.fromEnv())` instead of the demo
 * simulator; the workflow calls stay the same.
 */
import { workflows } from '../src/index.js';
import { startDemoSimulator } from './demo-simulator.js';

const [name = 'web-00', target = 'pve2'] = process.argv.slice(2);
// Every task of the demo takes a second, the shutdown included: long enough for the
// shutdown's time limit below to run out, so the fallback shows.
await using demo = await startDemoSimulator(1_000);
const vm = await workflows(demo.px).guests.find(name);
const task = (upid: string) => upid.split(':')[5];

// Online (the default for a running guest): QEMU copies the memory while the VM runs.
// A disk on local storage must be copied too (`with-local-disks`); shared storage needs nothing.
const moved = await vm.migrate(target, { withLocalDisks: true, timeout: 600_000 });
console.log(`migrated ${vm.name} (${vm.vmid}) ${moved.from} -> ${moved.to} (${task(moved.upid)})`);
console.log(`on ${(await vm.refresh()).node}: ${await vm.state()}`);

// The guest OS gets `timeout` ms to power off by itself (ACPI); after that, a hard stop
// that also cancels the hanging shutdown task. A real VM deserves a minute, not 300 ms.
const off = await vm.shutdown({ timeout: 300 });
console.log(`shutdown: ${off.forced ? 'forced' : 'clean'} (${off.tasks.map(task).join(', ')})`);
await vm.waitFor('stopped', { timeout: 60_000 });
console.log(`state: ${await vm.state()}`);

const on = await vm.start({ waitForAgent: true, timeout: 120_000 });
console.log(`start: ${on.tasks.map(task).join(', ')}; agent answers; state: ${await vm.state()}`);
