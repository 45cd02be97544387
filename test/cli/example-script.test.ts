/** examples/cli-consoles.sh, run by sh with the built `proxmox` on PATH, against the simulator over TLS. */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, proxmoxBinDir, REPO, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 20 });
  const home = await tempConfigHome();
  env = baseEnv(home, {
    PATH: `${await proxmoxBinDir(home)}:${process.env.PATH ?? ''}`,
    PROXMOX_HOST: `${sim.host}:${sim.port}`,
    PROXMOX_FINGERPRINT: sim.fingerprint,
    // root@pam: a node shell logs root in at once (anyone else meets /bin/login).
    PROXMOX_USER: 'root@pam',
    PROXMOX_PASSWORD: 'proxmox',
  });
});
afterAll(() => sim?.close());

it('examples/cli-consoles.sh: exec output and status, a file round trip, a piped node shell', async () => {
  const vm = [...sim.engine.cluster.guests.values()].find(
    (g) => g.type === 'qemu' && g.status === 'running',
  )!;
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      '/bin/sh',
      ['examples/cli-consoles.sh', String(vm.vmid), 'pve2'],
      { cwd: REPO, env, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect(out).toEqual({
    code: 0,
    stdout: [
      'Linux sim 6.8.0 #1 SMP x86_64 GNU/Linux',
      "sh -c 'exit 3' exited 3",
      'written by this host',
      'pve2',
      '',
    ].join('\n'),
    stderr: '',
  });
});
