/** A PVE client on the in-process simulator (demo dataset: pve1-3, guests 100-135), and its engine. */
import { ProxmoxSDK, workflows } from '../../src/index.js';
import { SimulatorEngine } from '../../src/simulator/index.js';

export async function connect(taskDurationMs = 20) {
  const engine = new SimulatorEngine({ taskDurationMs });
  const px = await ProxmoxSDK.connect({ backend: 'mock', engine, user: 'root@pam', password: 'proxmox' });
  return { px, engine, wf: workflows(px) };
}

/** The rejection of a promise that must fail. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}
