/** The SDK's side of simulator tests (helpers.ts stays plain HTTPS, with no SDK code). */
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import type { RunningSimulator } from '../../src/simulator/index.js';

/** An SDK client of `sim` as root@pam over HTTPS, its certificate pinned. */
export function rootClient(sim: RunningSimulator): ProxmoxSDK {
  return new ProxmoxSDK({
    host: `${sim.host}:${sim.port}`,
    fingerprint: sim.fingerprint,
    user: 'root@pam',
    password: 'proxmox',
  });
}
