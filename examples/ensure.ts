/**
 * Desired state, applied twice: a VM with its config, a user with an API token and an ACL,
 * and a firewall rule on the VM. The first pass creates what is missing; the second finds
 * everything in place, says `unchanged` for each and writes nothing (counted from the
 * simulator's request statistics). Starts the simulator in this process:
 *
 *   node --import tsx examples/ensure.ts
 *
 * Against a real server, use `workflows(await ProxmoxSDK.fromEnv())` instead of the demo
 * simulator (and count nothing: the statistics are the simulator's); the ensure calls stay the same.
 */
import { workflows } from '../src/index.js';
import { startDemoSimulator } from './demo-simulator.js';

await using demo = await startDemoSimulator();
const wf = workflows(demo.px);
/** Requests that may change state: anything but GET, and not the login. */
const writes = () =>
  Object.entries(demo.sim.engine.stats.byRoute)
    .filter(([route]) => !route.startsWith('GET ') && route !== 'POST /access/ticket')
    .reduce((sum, [, n]) => sum + n, 0);

async function apply(pass: string): Promise<void> {
  const before = writes();
  // net0 names its MAC: PVE gives a NIC without one a new random MAC each time it is
  // set, and ensure compares the config text, so `virtio,bridge=vmbr0` would never settle.
  const vm = await wf.ensure.guest({
    name: 'app-01',
    node: 'pve2',
    config: { memory: 2048, cores: 2, net0: 'virtio=BC:24:11:00:01:36,bridge=vmbr0' },
  });
  console.log(`guest app-01 (${vm.value.vmid}): ${vm.action} ${vm.changed.join(',')}`.trimEnd());
  const user = await wf.ensure.user({ userid: 'deployer@pve', comment: 'CI deployer' });
  console.log(`user deployer@pve: ${user.action} ${user.changed.join(',')}`.trimEnd());
  const token = await wf.ensure.token({ userid: 'deployer@pve', tokenid: 'ci', comment: 'pipeline' });
  // PVE shows a token's secret once, at creation: store it then (here: only say we got one).
  const secret = token.value.secret === undefined ? '' : ' (secret received once)';
  console.log(`token ${token.value.tokenid}: ${token.action}${secret}`);
  const acl = await wf.ensure.acl({
    path: `/vms/${vm.value.vmid}`,
    role: 'PVEVMUser',
    subjects: ['deployer@pve', 'deployer@pve!ci'],
  });
  console.log(`acl ${acl.value} PVEVMUser: ${acl.action} ${acl.changed.join(',')}`.trimEnd());
  const rule = await wf.ensure.firewallRule(vm.value, {
    type: 'in',
    action: 'ACCEPT',
    macro: 'SSH',
    source: '10.0.0.0/24',
    comment: 'ssh from the lab',
    enable: true,
  });
  console.log(`firewall rule 'ssh from the lab': ${rule.action}`);
  console.log(`${pass}: ${writes() - before} writes`);
}

await apply('first pass');
await apply('second pass');
