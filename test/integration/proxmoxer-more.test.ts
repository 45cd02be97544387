/**
 * More of Debian's python3-proxmoxer (1.2.0) against the HTTPS simulators, as its users write
 * it: a multipart ISO upload, task logs with paging, config changes with `delete`, errors as
 * ResourceException, ticket renewal, the `otp` login, and PBS. Where proxmoxer and the
 * simulator disagree the test says which one follows Proxmox's source. CI installs
 * python3-proxmoxer; without it this test fails, it never skips.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/simulator/access/totp.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { DEMO_TOTP_SECRET } from '../../src/simulator/state/datasets.js';
import { runProxmoxer } from './proxmoxer/python.js';

describe('python3-proxmoxer: uploads, tasks, errors, logins, PBS', () => {
  let pve: RunningSimulator;
  let pbs: RunningSimulator;
  let dir: string;
  let seen: Record<string, any>;

  beforeAll(async () => {
    pve = await startSimulator({ taskDurationMs: 100, authFailureDelayMs: 0 });
    pbs = await startSimulator({ service: 'PBS', taskDurationMs: 100, authFailureDelayMs: 0 });
    dir = mkdtempSync(join(tmpdir(), 'proxmoxer-more-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, `${pve.ca}\n${pbs.ca}`);
    const iso = join(dir, 'proxmoxer-upload.iso');
    writeFileSync(iso, Buffer.alloc(64 * 1024, 7));
    const run = await runProxmoxer(
      'more.py',
      JSON.stringify({
        host: pve.host,
        pve_port: pve.port,
        pbs_port: pbs.port,
        ca,
        node: 'pve1',
        root_password: 'proxmox',
        tfa_user: 'tfa@pve',
        tfa_password: 'two-factor',
        tfa_code: totpAt(DEMO_TOTP_SECRET, pve.engine.clock.now()),
        iso,
        vmid: 7101,
      }),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    seen = JSON.parse(run.stdout);
  }, 90_000);

  afterAll(async () => {
    await pve?.close();
    await pbs?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads an ISO as multipart through upload.post(filename=open(...)) and follows its task', () => {
    expect(seen.upload.upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:imgcopy::root@pam:$/);
    expect(seen.upload.exit).toBe('OK');
    expect(seen.upload.volids).toContain('local:iso/proxmoxer-upload.iso');
    expect(pve.engine.stats.byRoute['POST /nodes/{node}/storage/{storage}/upload']).toBe(1);
  });

  it('pages a task log and finds the task in the node list by vmid', () => {
    const paging = seen.task_log_paging;
    expect(paging.first).toEqual([{ n: 1, t: expect.any(String) }]);
    expect(paging.whole).toBeGreaterThanOrEqual(1);
    expect(paging.listed).toBe(true);
  });

  it('changes a config and removes a key with delete=', () => {
    expect(seen.config_change).toEqual({ cores: 2, description: null });
  });

  it("refuses Python's True (sent as 'True'): PVE takes 1/0 only (pve-common JSONSchema.pm check_type)", () => {
    expect(seen.python_true).toMatchObject({ raised: 'ResourceException', status_code: 400 });
    // proxmoxer 1.2 looks for `errors` inside `data`; PVE puts them beside it
    // (pve-http-server Formatter/Standard.pm prepare_response_data): the client misses them.
    expect(seen.python_true.errors).toBeNull();
    expect(seen.one).toBe(true);
  });

  it('raises ResourceException with the reason phrase for a missing VM (500, as qemu-server says)', () => {
    expect(seen.missing_vm).toMatchObject({
      raised: 'ResourceException',
      status_code: 500,
      content: "Configuration file 'nodes/pve1/qemu-server/999999.conf' does not exist",
    });
  });

  it('stops and destroys with DELETE params (purge=1 in the query)', () => {
    expect(seen.stop_and_destroy).toEqual({ exit: 'OK', left: false });
    expect(pve.engine.cluster.guests.has(7101)).toBe(false);
  });

  it('renews its ticket by logging in with it as the password', () => {
    expect(seen.renewal).toEqual({ renewed: true, version: '9.0' });
    expect(pve.engine.stats.renewals).toBeGreaterThanOrEqual(1);
  });

  it('cannot log in with otp on PVE 9: proxmoxer 1.2 sends the bare code PVE 8 stopped taking', () => {
    // pve-access-control PVE/AccessControl.pm authenticate_2nd_new_do wants `totp:<code>`, and
    // even then answers the NeedTFA step, which 1.2 does not know (the old one-step login went
    // with commit cfd8636 "drop support for old login API"). The simulator is right here.
    expect(seen.otp.raised).toBe('AuthenticationError');
    expect(seen.wrong_password.raised).toBe('AuthenticationError');
  });

  it('talks to PBS (service="PBS"): datastores, a GC task followed on node localhost, the task list', () => {
    expect(seen.pbs).toEqual({ stores: ['store1'], gc_exit: 'OK', tasks: true });
  });
});
