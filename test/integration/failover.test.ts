/** Cluster failover: several hosts of one cluster; one stops answering mid-run (issue 9). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxmoxSDK } from '../../src/index.js';
import { type RunningSimulator, SimulatorEngine, startSimulator } from '../../src/simulator/index.js';

let engine: SimulatorEngine;
let nodes: RunningSimulator[];

beforeAll(async () => {
  engine = new SimulatorEngine({ service: 'PVE' });
  nodes = await Promise.all([
    startSimulator({ engine }),
    startSimulator({ engine }),
    startSimulator({ engine }),
  ]);
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close().catch(() => {})));
});

describe('failover between the nodes of one cluster', () => {
  it('moves to the next node without a new login, and never repeats a POST', async () => {
    const [a, b, c] = nodes as [RunningSimulator, RunningSimulator, RunningSimulator];
    expect(b.fingerprint).toBe(a.fingerprint);
    await using px = await ProxmoxSDK.connect({
      host: [a, b, c].map((n) => `${n.host}:${n.port}`),
      user: 'root@pam',
      password: 'proxmox',
      fingerprint: a.fingerprint,
    });
    expect((await px.nodes.get()).length).toBeGreaterThan(0);
    const logins = engine.stats.logins;
    await a.close();
    const results = await Promise.all(Array.from({ length: 20 }, () => px.version.get()));
    expect(results).toHaveLength(20);
    const creates = engine.stats.byRoute['POST /nodes/{node}/qemu'] ?? 0;
    await px.nodes('pve2').qemu.post({ vmid: 5150, name: 'after-failover', memory: 256 });
    expect(engine.stats.byRoute['POST /nodes/{node}/qemu']).toBe(creates + 1);
    expect(engine.stats.logins).toBe(logins);
  });
});
