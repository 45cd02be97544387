/** The README's second command, `npm run demo`, does what the README says. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm run demo connects to the embedded simulator, creates and starts a VM', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/quickstart.ts'],
    {
      timeout: 60_000,
    },
  );
  expect(stdout).toMatch(/^simulator: https:\/\/127\.0\.0\.1:\d+/m);
  expect(stdout).toMatch(/^connected to Proxmox VE \S+ as automation@pve!full$/m);
  expect(stdout).toMatch(/^nodes: pve1 \(online\), pve2 \(online\), pve3 \(online\)$/m);
  expect(stdout).toMatch(/^created VM \d+ on pve1: task OK$/m);
  expect(stdout).toMatch(/^started VM \d+: task OK$/m);
  expect(stdout).toMatch(/^VM \d+ is running$/m);
});
