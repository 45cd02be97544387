/** A PVE simulator over HTTPS on 127.0.0.1:0 and the options of a client pinned to it. */
import type { ProxmoxOptions } from '../../src/index.js';
import { type RunningSimulator, SimulatorEngine, startSimulator } from '../../src/simulator/index.js';

export async function startPve(engine = new SimulatorEngine({ service: 'PVE' })): Promise<RunningSimulator> {
  return startSimulator({ engine });
}

export function clientOptions(
  sim: { host: string; port: number; fingerprint: string },
  auth: 'ticket' | 'token',
): ProxmoxOptions {
  const base = { host: `${sim.host}:${sim.port}`, fingerprint: sim.fingerprint };
  if (auth === 'ticket') return { ...base, user: 'root@pam', password: 'proxmox' };
  const automation = (sim as RunningSimulator).engine.accounts.find((a) =>
    a.userid.startsWith('automation@'),
  );
  const token = automation?.tokens.find((t) => !t.privsep);
  if (automation === undefined || token === undefined) throw new Error('the demo dataset has no full token');
  return { ...base, user: automation.userid, tokenName: token.tokenid, tokenValue: token.value };
}
