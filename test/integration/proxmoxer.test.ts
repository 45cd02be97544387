/**
 * A third-party client against the HTTPS simulator: Debian's python3-proxmoxer logs in
 * with a password and with an API token, lists nodes, creates a VM, starts it and follows
 * its task. CI installs python3-proxmoxer; without it this test fails, it never skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { PYTHON, runProxmoxer } from './proxmoxer/python.js';

describe('python3-proxmoxer against the HTTPS simulator', () => {
  let sim: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ taskDurationMs: 100 });
    dir = mkdtempSync(join(tmpdir(), 'proxmoxer-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is installed (apt-get install python3-proxmoxer python3-requests)', () => {
    const probe = spawnSync(PYTHON, ['-c', 'import proxmoxer, requests; print(proxmoxer.__version__)'], {
      encoding: 'utf8',
    });
    expect(probe.error, `cannot run ${PYTHON}`).toBeUndefined();
    expect(probe.status, `python3-proxmoxer is missing: ${probe.stderr}`).toBe(0);
  });

  it('logs in with a password and with a token, creates and starts VMs, follows tasks', async () => {
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, sim.ca);
    const automation = sim.users.find((u) => u.userid === 'automation@pve')!;
    const token = automation.tokens.find((t) => !t.privsep)!;
    const input = JSON.stringify({
      host: sim.host,
      port: sim.port,
      ca: caFile,
      node: 'pve2',
      password_user: 'root@pam',
      password: sim.users.find((u) => u.userid === 'root@pam')!.password,
      token_user: automation.userid,
      token_name: token.tokenid,
      token_value: token.value,
      vmids: [7001, 7002],
    });
    const run = await runProxmoxer('flow.py', input);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const seen = JSON.parse(run.stdout);
    for (const [via, user] of [
      ['password', 'root@pam'],
      ['token', 'automation@pve!full'],
    ] as const) {
      const part = seen[via];
      expect(part.nodes).toEqual(['pve1', 'pve2', 'pve3']);
      expect(part.create_upid).toMatch(
        new RegExp(`^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:700[12]:${user}:$`),
      );
      expect(part.create_exit).toBe('OK');
      expect(part.start_exit).toBe('OK');
      expect(part.start_log.at(-1)).toBe('TASK OK');
      expect(part.status).toBe('running');
    }
    expect(sim.engine.stats.logins).toBeGreaterThanOrEqual(1);
    expect(sim.engine.stats.tokenRequests).toBeGreaterThan(0);
    expect(sim.engine.cluster.guests.get(7001)?.status).toBe('running');
  });
});
