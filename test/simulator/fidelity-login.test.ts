/**
 * `POST /access/ticket` details checked against the servers' login code (issue 14 items 13
 * and 14): PVE 9's `otp` field, renewal rules, `cap` and `clustername`, the lifetime of a
 * TFA challenge and the text of a failed login. Each test names the source it follows.
 */
import { describe, expect, it } from 'vitest';
import { totpAt } from '../../src/simulator/access/totp.js';
import { SimulatorEngine } from '../../src/simulator/index.js';
import { DEMO_TOTP_SECRET } from '../../src/simulator/state/datasets.js';
import { jsonOf, ok } from './engine-helpers.js';

async function login(engine: SimulatorEngine, params: Record<string, string>) {
  const res = await engine.handle({
    method: 'POST',
    url: '/api2/json/access/ticket',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams(params).toString()),
  });
  const text = String(res.body);
  const json = jsonOf(text);
  return { status: res.status, text, data: json?.data, message: json?.message as string | undefined };
}

const pve = () => new SimulatorEngine({ taskDurationMs: 1000 });
const code = (engine: SimulatorEngine) => totpAt(DEMO_TOTP_SECRET, engine.clock.now());

describe("PVE 9's otp field (pve-access-control PVE/AccessControl.pm authenticate_2nd_new_do)", () => {
  it('a right `totp:` answer is checked and still leads to the NeedTFA step', async () => {
    const engine = pve();
    const res = await login(engine, {
      username: 'tfa@pve',
      password: 'two-factor',
      otp: `totp:${code(engine)}`,
    });
    expect(res.status).toBe(200);
    expect(res.data.NeedTFA).toBe(1);
    expect(res.data.ticket).toMatch(/^PVE:!tfa!/);
    expect(res.data).not.toHaveProperty('cap');
  });

  it('a bare code (no kind: proxmox-tfa TfaResponse from_str) or a wrong one is 401', async () => {
    const engine = pve();
    const bare = await login(engine, { username: 'tfa@pve', password: 'two-factor', otp: code(engine) });
    expect(bare.status).toBe(401);
    const wrong = await login(engine, { username: 'tfa@pve', password: 'two-factor', otp: 'totp:000000' });
    expect(wrong.status).toBe(401);
  });

  it('a user without a second factor who sends otp fails ("no such challenge")', async () => {
    const res = await login(pve(), { username: 'root@pam', password: 'proxmox', otp: 'totp:123456' });
    expect(res.status).toBe(401);
    expect(res.message).toBe('authentication failure\n');
  });

  it('PVE/API2/AccessControl.pm create_ticket_do: otp beside tfa-challenge is a login failure', async () => {
    const engine = pve();
    const first = await login(engine, { username: 'tfa@pve', password: 'two-factor' });
    const res = await login(engine, {
      username: 'tfa@pve',
      password: `totp:${code(engine)}`,
      otp: `totp:${code(engine)}`,
      'tfa-challenge': first.data.ticket,
    });
    expect(res.status).toBe(401);
    expect(res.message).toBe('authentication failure\n');
  });
});

describe('renewal (PVE/API2/AccessControl.pm create_ticket_do; proxmox-auth-api authenticate_user)', () => {
  it("PVE: root@pam's ticket renews a ticket for another user", async () => {
    const engine = pve();
    const root = await login(engine, { username: 'root@pam', password: 'proxmox' });
    const res = await login(engine, { username: 'auditor@pve', password: root.data.ticket });
    expect(res.status).toBe(200);
    expect(res.data.username).toBe('auditor@pve');
    expect(res.data.ticket).toMatch(/^PVE:auditor@pve:/);
    expect(engine.stats.renewals).toBe(1);
  });

  it("PVE: another user's ticket does not", async () => {
    const engine = pve();
    const auditor = await login(engine, { username: 'auditor@pve', password: 'auditor' });
    const res = await login(engine, { username: 'automation@pve', password: auditor.data.ticket });
    expect(res.status).toBe(401);
  });

  it("PBS: only the ticket's own user renews; root's for another is 'wrong userid', a 401", async () => {
    const engine = new SimulatorEngine({ service: 'PBS' });
    const root = await login(engine, { username: 'root@pam', password: 'proxmox' });
    const res = await login(engine, { username: 'auditor@pbs', password: root.data.ticket });
    expect(res.status).toBe(401);
    // proxmox-auth-api api/access.rs handle_ticket_creation: the failed login's text.
    expect(res.text).toBe('permission check failed.');
    expect((await login(engine, { username: 'root@pam', password: root.data.ticket })).status).toBe(200);
  });
});

describe('cap and clustername (pve-access-control PVE/API2/AccessControl.pm create_ticket)', () => {
  it('RPCEnvironment.pm compute_api_permission: areas by path, ACL paths included', async () => {
    const engine = pve();
    await ok(engine, 'POST', '/access/users', { userid: 'vmops@pve', password: 'vmops-password' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms/100', users: 'vmops@pve', roles: 'PVEVMUser' });
    await ok(engine, 'POST', '/pools', { poolid: 'vmops-pool' });
    await ok(engine, 'PUT', '/access/acl', {
      path: '/pool/vmops-pool',
      users: 'vmops@pve',
      roles: 'PVEDatastoreUser',
    });
    const res = await login(engine, { username: 'vmops@pve', password: 'vmops-password' });
    expect(res.status).toBe(200);
    const cap = res.data.cap;
    expect(Object.keys(cap).sort()).toEqual(['access', 'dc', 'mapping', 'nodes', 'sdn', 'storage', 'vms']);
    // /vms/100 is not a required path, but the ACL names it.
    expect(cap.vms['VM.PowerMgmt']).toBe(1);
    // A pool path feeds the storage area with Datastore privileges.
    expect(cap.storage['Datastore.AllocateSpace']).toBe(1);
    expect(cap.dc).toEqual({});
    expect(cap.nodes).toEqual({});
  });

  it('clustername only for users with Sys.Audit on /, also on the NeedTFA answer', async () => {
    const engine = pve();
    expect(engine.cluster.clusterName).toBe('demo');
    await ok(engine, 'POST', '/access/users', { userid: 'vmops@pve', password: 'vmops-password' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms', users: 'vmops@pve', roles: 'PVEVMUser' });
    const vmops = await login(engine, { username: 'vmops@pve', password: 'vmops-password' });
    expect(vmops.data).not.toHaveProperty('clustername');
    const auditor = await login(engine, { username: 'auditor@pve', password: 'auditor' });
    expect(auditor.data.clustername).toBe('demo');
    const half = await login(engine, { username: 'tfa@pve', password: 'two-factor' });
    expect(half.data.NeedTFA).toBe(1);
    expect(half.data.clustername).toBe('demo');
  });
});

describe('TFA challenge lifetime', () => {
  async function answerAfter(service: 'PVE' | 'PBS', minutes: number) {
    const engine = new SimulatorEngine({ service });
    const realm = service.toLowerCase();
    const first = await login(engine, { username: `tfa@${realm}`, password: 'two-factor' });
    engine.clock.advance(minutes * 60_000);
    return login(engine, {
      username: `tfa@${realm}`,
      password: `totp:${code(engine)}`,
      'tfa-challenge': first.data.ticket,
    });
  }

  it('proxmox-auth-api api/access.rs authenticate_2nd: PBS takes the answer for 10 minutes', async () => {
    expect((await answerAfter('PBS', 9)).status).toBe(200);
    expect((await answerAfter('PBS', 11)).status).toBe(401);
  });

  it('PVE/AccessControl.pm verify_ticket: PVE checks the challenge like any ticket (2 hours)', async () => {
    expect((await answerAfter('PVE', 11)).status).toBe(200);
    expect((await answerAfter('PVE', 121)).status).toBe(401);
  });
});

describe('path + privs (pve-access-control PVE/API2/AccessControl.pm verify_auth)', () => {
  const auditorOn = (privs: string) =>
    login(pve(), { username: 'auditor@pve', password: 'auditor', path: '/vms/100', privs });

  it('answers the user and cap, no ticket, when the user holds every privilege on the path', async () => {
    const res = await auditorOn('VM.Audit');
    expect(res.status).toBe(200);
    expect(res.data.username).toBe('auditor@pve');
    expect(res.data.cap.vms['VM.Audit']).toBe(1);
    expect(res.data).not.toHaveProperty('ticket');
    expect(res.data).not.toHaveProperty('CSRFPreventionToken');
  });

  it("a missing privilege is the login's 401 ('no permission' dies inside create_ticket's eval)", async () => {
    const res = await auditorOn('VM.Audit,VM.PowerMgmt');
    expect(res.status).toBe(401);
    expect(res.message).toBe('authentication failure\n');
  });

  it("takes the user's own ticket as the password, and skips the second factor", async () => {
    const engine = pve();
    const ticket = (await login(engine, { username: 'auditor@pve', password: 'auditor' })).data.ticket;
    const byTicket = await login(engine, {
      username: 'auditor@pve',
      password: ticket,
      path: '/',
      privs: 'Sys.Audit',
    });
    expect(byTicket.status).toBe(200);
    // authenticate_user is called in scalar context there: the TFA challenge it returns is dropped.
    const tfa = await login(engine, {
      username: 'tfa@pve',
      password: 'two-factor',
      path: '/',
      privs: 'Sys.Audit',
    });
    expect(tfa.status).toBe(200);
    expect(tfa.data).not.toHaveProperty('NeedTFA');
  });
});
