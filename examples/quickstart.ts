/**
 * The 30-second tour: start the Proxmox simulator in this process (HTTPS on 127.0.0.1,
 * a fresh self-signed certificate), connect with an API token pinned to that certificate,
 * then list nodes, create a VM, start it and wait for the task.
 *
 * Against a real server, drop startSimulator() and pass your host, token and fingerprint.
 */
import { ProxmoxSDK } from '../src/index.js';
import { startSimulator } from '../src/simulator/index.js';

const sim = await startSimulator({ service: 'PVE' });
try {
  const account = sim.users.find((u) => u.tokens.some((t) => !t.privsep)) ?? sim.users[0]!;
  const token = account.tokens.find((t) => !t.privsep) ?? account.tokens[0]!;
  console.log(`simulator: ${sim.url} (certificate ${sim.fingerprint.slice(0, 23)}...)`);

  await using px = await ProxmoxSDK.connect({
    host: `${sim.host}:${sim.port}`,
    user: account.userid,
    tokenName: token.tokenid,
    tokenValue: token.value,
    fingerprint: sim.fingerprint,
  });

  const version = await px.version.get();
  console.log(`connected to Proxmox VE ${version.version} as ${account.userid}!${token.tokenid}`);

  const nodes: Array<{ node: string; status: string }> = await px.nodes.get();
  console.log(`nodes: ${nodes.map((n) => `${n.node} (${n.status})`).join(', ')}`);

  const node = nodes[0]!.node;
  const vmid: number = Number(await px.cluster.nextid.get());
  const created = await px
    .nodes(node)
    .qemu.post({ vmid, name: 'quickstart', memory: 2048, cores: 2 }, { wait: true });
  console.log(`created VM ${vmid} on ${node}: task ${created.exitstatus}`);

  const started = await px.nodes(node).qemu(vmid).status.start.post({}, { wait: true });
  console.log(`started VM ${vmid}: task ${started.exitstatus}`);

  const current = await px.nodes(node).qemu(vmid).status.current.get();
  console.log(`VM ${vmid} is ${current.status}`);
} finally {
  await sim.close();
}
