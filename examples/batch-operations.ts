/**
 * Seed guide, "Session Reuse Across Multiple Operations": one client, one connection pool
 * and one login for every call. Independent calls may also run at once (Promise.all); the
 * client keeps a few connections open for that.
 *
 *   node --import tsx examples/batch-operations.ts   (PROXMOX_* variables set)
 */
import { ProxmoxSDK } from '../src/index.js';

await using px = ProxmoxSDK.fromEnv();
const nodes: Array<{ node: string }> = await px.nodes.get();
const rows = await Promise.all(
  nodes.map(async ({ node }) => {
    const [status, vms] = await Promise.all([px.nodes(node).status.get(), px.nodes(node).qemu.get()]);
    return `${node}: up ${Math.round(Number(status.uptime ?? 0) / 3600)} h, ${vms.length} VMs`;
  }),
);
for (const row of rows) console.log(row);
