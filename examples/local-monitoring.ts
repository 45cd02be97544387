/**
 * Seed guide, "4. Local Backend (No Authentication)": run on the Proxmox host itself; calls go
 * through `pvesh` (root, no login). PROXMOX_BACKEND=mock runs the same script against the
 * in-process simulator instead.
 *
 * The seed prints `status['status']` from `GET /nodes/{node}/status`, which has no such field
 * on a real host (it holds cpu, memory, uptime...); a node's online/offline state is in the
 * `GET /nodes` list, as here.
 *
 *   node --import tsx examples/local-monitoring.ts      (on the host, as root)
 */
import { ProxmoxSDK } from '../src/index.js';

// The simulator checks logins like a real API (its demo root is root@pam / proxmox); pvesh needs none.
await using px = new ProxmoxSDK(
  process.env.PROXMOX_BACKEND === 'mock'
    ? { backend: 'mock', service: 'PVE', user: 'root@pam', password: 'proxmox' }
    : { backend: 'local', service: 'PVE' },
);
const nodes: Array<{ node: string; status: string }> = await px.nodes.get();
for (const node of nodes) {
  const status = await px.nodes(node.node).status.get();
  console.log(`Node ${node.node}: ${node.status}, up ${Math.round(Number(status.uptime ?? 0) / 3600)} h`);
}
