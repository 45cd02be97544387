/**
 * A web server's firewall as code: a cluster security group `webserver` (HTTP and HTTPS from
 * anywhere, SSH from the admin network), put on one VM, whose firewall is then switched on.
 * Safe to run again: what exists is left alone, so a pipeline can run it on every deploy.
 *
 *   VMID=100 PROXMOX_NODE=pve1 node --import tsx examples/vm-firewall.ts   (PROXMOX_* set; Sys.Modify on /)
 */
import { ProxmoxSDK } from '../src/index.js';

const node = process.env.PROXMOX_NODE ?? 'pve1';
const vmid = Number(process.env.VMID ?? 100);
const GROUP = 'webserver';
const ADMIN_NET = process.env.ADMIN_NET ?? '192.0.2.0/24';

/** The group's rules, by comment (PVE puts a new rule on top: add them last to first). */
const RULES = [
  { type: 'in', action: 'ACCEPT', macro: 'SSH', source: ADMIN_NET, comment: 'ssh from admins' },
  { type: 'in', action: 'ACCEPT', macro: 'HTTPS', comment: 'https' },
  { type: 'in', action: 'ACCEPT', macro: 'HTTP', comment: 'http' },
] as const;

await using px = ProxmoxSDK.fromEnv();
const firewall = px.cluster.firewall;

const groups = await firewall.groups.get();
if (!groups.some((g) => g.group === GROUP)) {
  await firewall.groups.post({ group: GROUP, comment: 'web servers' });
  console.log(`created security group ${GROUP}`);
}
const existing = new Set((await firewall.groups(GROUP).get()).map((r) => r.comment));
for (const rule of [...RULES].reverse()) {
  if (existing.has(rule.comment)) continue;
  await firewall.groups(GROUP).post({ ...rule, enable: 1 });
  console.log(`added rule '${rule.comment}'`);
}

const guest = px.nodes(node).qemu(vmid).firewall;
const vmRules = await guest.rules.get();
if (!vmRules.some((r) => r.type === 'group' && r.action === GROUP)) {
  await guest.rules.post({ type: 'group', action: GROUP, enable: 1 });
  console.log(`put ${GROUP} on VM ${vmid}`);
}
await guest.options.put({ enable: 1 });

const inGroup = await firewall.groups(GROUP).get();
console.log(`VM ${vmid} firewall on; ${GROUP}: ${inGroup.map((r) => `${r.pos}:${r.comment}`).join(', ')}`);
