/**
 * The simulator in this process, with short tasks, and a client logged in as its root@pam:
 * what the self-contained examples (ensure.ts, cloud-init.ts, migrate-power.ts) run against.
 * With a real server, use `ProxmoxSDK.fromEnv()` (or `connect({ host, ... })`) instead.
 */
import { ProxmoxSDK, type PveClient } from '../src/index.js';
import { type RunningSimulator, startSimulator } from '../src/simulator/index.js';

export interface DemoSimulator extends AsyncDisposable {
  sim: RunningSimulator;
  px: PveClient;
}

/** `taskDurationMs`: how long every task runs (50 ms keeps a run quick; real ones take seconds to minutes). */
export async function startDemoSimulator(taskDurationMs = 50): Promise<DemoSimulator> {
  const sim = await startSimulator({ service: 'PVE', taskDurationMs });
  try {
    // The demo administrator: creating guests, users and ACLs anywhere needs rights on /.
    const root = sim.users.find((u) => u.userid === 'root@pam')!;
    const px = await ProxmoxSDK.connect({
      host: sim.url,
      fingerprint: sim.fingerprint,
      user: root.userid,
      password: root.password,
    });
    return {
      sim,
      px,
      async [Symbol.asyncDispose]() {
        await px.close();
        await sim.close();
      },
    };
  } catch (error) {
    await sim.close();
    throw error;
  }
}
