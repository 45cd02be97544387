/** Completion of the guest commands' words (exec, agent, console, shell, vnc) from the simulator over TLS. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, proxmox, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  sim = await startSimulator();
  env = baseEnv(await tempConfigHome(), {
    PROXMOX_HOST: `${sim.host}:${sim.port}`,
    PROXMOX_USER: 'root@pam',
    PROXMOX_PASSWORD: 'proxmox',
    PROXMOX_FINGERPRINT: sim.fingerprint,
  });
});
afterAll(() => sim?.close());

async function complete(words: string[], extra: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const r = await proxmox(['__complete', ...words], { env: { ...env, ...extra } });
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return r.stdout.split('\n').filter(Boolean);
}

it('completes VMIDs for exec, console, vnc and agent, node names for shell and --node', async () => {
  const vmids = [...sim.engine.cluster.guests.keys()].map(String).sort();
  for (const words of [
    ['exec', ''],
    ['console', ''],
    ['vnc', ''],
    ['agent', 'wait', ''],
  ]) {
    expect((await complete(words)).sort()).toEqual(vmids);
  }
  expect(await complete(['agent', ''])).toEqual(['wait', 'file-read', 'file-write']);
  expect(await complete(['shell', ''])).toEqual(['pve1', 'pve2', 'pve3']);
  expect(await complete(['exec', '--node', ''])).toEqual(['pve1', 'pve2', 'pve3']);
  expect(await complete(['console', '100', '--es'])).toEqual(['--escape']);
  // The program's words after the VMID are the user's own.
  expect(await complete(['exec', '100', '--', ''])).toEqual([]);
});

it('without a connection nothing live is offered, and nothing fails', async () => {
  const none = { PROXMOX_HOST: '', PROXMOX_USER: '', PROXMOX_PASSWORD: '', PROXMOX_FINGERPRINT: '' };
  expect(await complete(['exec', ''], none)).toEqual([]);
  expect(await complete(['agent', ''], none)).toEqual(['wait', 'file-read', 'file-write']);
});
