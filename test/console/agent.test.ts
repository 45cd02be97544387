/**
 * The guest agent helpers against the simulator over real TLS. Server side after
 * qemu-server PVE/API2/Qemu/Agent.pm (exec: `command` is an array; exec-status; file-read
 * with decode; file-write with encode) and PVE/QemuServer/Agent.pm (assert_agent_available).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { rootClient, simulator } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

describe('px.agent(node, vmid)', () => {
  it('exec sends the command as a list and returns exit code, stdout and stderr', async () => {
    await using px = rootClient(sim);
    const agent = px.agent('pve1', 100);
    expect(await agent.exec(['echo', 'hello', 'two words'])).toEqual({
      exitCode: 0,
      stdout: 'hello two words\n',
      stderr: '',
      truncated: false,
    });
    const missing = await agent.exec(['cat', '/nope']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('No such file');
    expect((await agent.exec(['sh', '-c', 'exit 7'])).exitCode).toBe(7);
    expect((await agent.exec(['cat'], { input: 'from stdin' })).stdout).toBe('from stdin');
  });

  it('waitReady after a start: the agent answers only once the guest has booted', async () => {
    await using px = rootClient(sim);
    await px
      .request('POST /nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 106 }, { wait: true })
      .catch(() => {});
    const agent = px.agent('pve1', 106);
    await expect(agent.exec(['true'])).rejects.toMatchObject({ statusCode: 500 });
    await agent.waitReady({ timeoutMs: 10_000, pollMs: 100 });
    expect((await agent.exec(['hostname'])).stdout).toBe('dns-06\n');
  });

  it('waitReady gives up with a TimeoutError', async () => {
    await using px = rootClient(sim);
    await px
      .request('POST /nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 112 })
      .catch(() => {});
    await px.request(
      'POST /nodes/{node}/qemu/{vmid}/status/stop',
      { node: 'pve1', vmid: 112 },
      { wait: true },
    );
    await expect(px.agent('pve1', 112).waitReady({ timeoutMs: 300, pollMs: 50 })).rejects.toMatchObject({
      code: 'PROXMOX_TIMEOUT',
    });
  });

  it('waitReady fails at once when the VM has no agent configured (PVE/QemuServer/Agent.pm assert_agent_available)', async () => {
    await using px = rootClient(sim);
    await px.request('PUT /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 112, agent: '0' });
    await expect(px.agent('pve1', 112).waitReady({ timeoutMs: 60_000, pollMs: 50 })).rejects.toMatchObject({
      statusCode: 500,
      message: expect.stringContaining('No QEMU guest agent configured'),
    });
    // A 500, not a PROXMOX_TIMEOUT after a minute of polling (the test's own timeout is shorter).
    await px.request('PUT /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 112, agent: '1' });
  });

  it('files round-trip byte for byte, binary included; too large a write is refused before sending', async () => {
    await using px = rootClient(sim);
    const agent = px.agent('pve1', 100);
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13, 0x80]);
    await agent.writeFile('/tmp/blob', bytes);
    expect(Buffer.compare(await agent.readFile('/tmp/blob'), bytes)).toBe(0);
    expect((await agent.readFile('/etc/hostname')).toString()).toBe('web-00\n');
    await expect(agent.writeFile('/tmp/big', Buffer.alloc(50_000))).rejects.toMatchObject({
      code: 'PROXMOX_INVALID_ARGUMENT',
    });
  });
});
