import { TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import type { SimulatorEngine } from '../../src/simulator/index.js';
import { as, type Caller, demoEngine, loginAs, ok, tokenCaller } from './engine-helpers.js';

describe('access control', () => {
  it('creates a token whose secret is shown once and works at once; deleting it revokes it', async () => {
    const engine = demoEngine();
    const created = await ok(engine, 'POST', '/access/users/automation@pve/token/deploy', {
      privsep: '0',
      comment: 'deploy',
    });
    expect(created).toMatchObject({
      'full-tokenid': 'automation@pve!deploy',
      info: { privsep: 0 },
      value: expect.any(String),
    });
    const caller = tokenCaller(engine, 'automation@pve!deploy', created.value);
    expect((await as(engine, caller, 'GET', '/nodes')).status).toBe(200);
    const listed = await ok(engine, 'GET', '/access/users/automation@pve/token/deploy');
    expect(JSON.stringify(listed)).not.toContain(created.value);
    await ok(engine, 'DELETE', '/access/users/automation@pve/token/deploy');
    expect((await as(engine, caller, 'GET', '/nodes')).status).toBe(401);
  });

  it("PVE: a token is never its user's `self` (pve-access-control compares the token id)", async () => {
    const engine = demoEngine();
    const automation = engine.accounts.find((a) => a.userid === 'automation@pve')!;
    const ci = automation.tokens.find((t) => t.tokenid === 'ci')!;
    const token = tokenCaller(engine, 'automation@pve!ci', ci.value);
    const denied = await as(engine, token, 'GET', '/access/users/automation@pve/token');
    expect([denied.status, denied.statusText]).toEqual([403, 'Permission check failed']);
    const user = await loginAs(engine, 'automation@pve', 'automation');
    expect((await as(engine, user, 'GET', '/access/users/automation@pve/token')).status).toBe(200);
  });

  it('grants through ACLs, groups and propagation, and names the missing privilege', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/access/users', { userid: 'dev@pve', password: 'dev-password' });
    const dev = await loginAs(engine, 'dev@pve', 'dev-password');
    const denied = await as(engine, dev, 'POST', '/nodes/pve1/qemu/100/status/stop');
    expect(denied.status).toBe(403);
    expect(denied.statusText).toBe('Permission check failed (/vms/100, VM.PowerMgmt)');

    await ok(engine, 'POST', '/access/groups', { groupid: 'devs' });
    await ok(engine, 'PUT', '/access/users/dev@pve', { groups: 'devs' });
    await ok(engine, 'PUT', '/access/acl', {
      path: '/vms',
      groups: 'devs',
      roles: 'PVEVMUser',
      propagate: '1',
    });
    expect((await as(engine, dev, 'POST', '/nodes/pve1/qemu/100/status/stop')).status).toBe(200);

    // A user entry on a deeper path replaces what the group got above it.
    await ok(engine, 'PUT', '/access/acl', { path: '/vms/103', users: 'dev@pve', roles: 'NoAccess' });
    expect((await as(engine, dev, 'POST', '/nodes/pve1/qemu/103/status/stop')).status).toBe(403);

    // Without propagation an entry applies to its own path only.
    await ok(engine, 'PUT', '/access/acl', {
      path: '/storage',
      users: 'dev@pve',
      roles: 'PVEDatastoreUser',
      propagate: '0',
    });
    const content = await as(engine, dev, 'GET', '/nodes/pve1/storage/local/content');
    expect(content.status).toBe(403);
    const acl = await ok(engine, 'GET', '/access/acl');
    expect(acl).toContainEqual({
      path: '/storage',
      type: 'user',
      ugid: 'dev@pve',
      roleid: 'PVEDatastoreUser',
      propagate: 0,
    });
  });

  it('gives a privilege-separated token at most its user rights', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/access/users', { userid: 'limited@pve', password: 'limited-pw' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms', users: 'limited@pve', roles: 'PVEVMUser' });
    const token = await ok(engine, 'POST', '/access/users/limited@pve/token/wide', { privsep: '1' });
    await ok(engine, 'PUT', '/access/acl', { path: '/', tokens: 'limited@pve!wide', roles: 'Administrator' });
    const caller = tokenCaller(engine, 'limited@pve!wide', token.value);
    expect((await as(engine, caller, 'POST', '/nodes/pve1/qemu/100/status/stop')).status).toBe(200);
    expect((await as(engine, caller, 'POST', '/nodes/pve1/qemu', { vmid: '990' })).status).toBe(403);
  });

  it('disabling a user stops logins and invalidates its tickets; a new password replaces the old', async () => {
    const engine = demoEngine();
    const auditor = await loginAs(engine, 'auditor@pve', 'auditor');
    await ok(engine, 'PUT', '/access/users/auditor@pve', { enable: '0' });
    expect((await as(engine, auditor, 'GET', '/nodes')).status).toBe(401);
    await ok(engine, 'PUT', '/access/users/auditor@pve', { enable: '1' });
    await ok(engine, 'PUT', '/access/password', { userid: 'auditor@pve', password: 'new-secret-1' });
    const old = await engine.handle({
      method: 'POST',
      url: '/api2/json/access/ticket',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('username=auditor%40pve&password=auditor'),
    });
    expect(old.status).toBe(401);
    await loginAs(engine, 'auditor@pve', 'new-secret-1');
  });

  it('adds TOTP to a user, after which logins need the second factor', async () => {
    const engine = demoEngine();
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP';
    const code = new TOTP({ secret }).generate({ timestamp: engine.clock.now() });
    await ok(engine, 'POST', '/access/tfa/auditor@pve', {
      type: 'totp',
      totp: `otpauth://totp/sim:auditor?secret=${secret}&issuer=sim`,
      value: code,
    });
    expect(await ok(engine, 'GET', '/access/tfa/auditor@pve')).toEqual([
      expect.objectContaining({ id: 'totp', type: 'totp' }),
    ]);
    const first = await engine.handle({
      method: 'POST',
      url: '/api2/json/access/ticket',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('username=auditor%40pve&password=auditor'),
    });
    expect(JSON.parse(String(first.body)).data).toMatchObject({
      NeedTFA: 1,
      ticket: expect.stringMatching(/^PVE:!tfa!/),
    });
  });

  it('custom roles can be created and changed; built-in ones cannot', async () => {
    const engine = demoEngine();
    await ok(engine, 'POST', '/access/roles', { roleid: 'Snapshotter', privs: 'VM.Audit,VM.Snapshot' });
    await ok(engine, 'PUT', '/access/roles/Snapshotter', { privs: 'VM.Snapshot.Rollback', append: '1' });
    expect(await ok(engine, 'GET', '/access/roles/Snapshotter')).toEqual({
      'VM.Audit': 1,
      'VM.Snapshot': 1,
      'VM.Snapshot.Rollback': 1,
    });
    expect((await engine.call('PUT', '/access/roles/PVEAdmin', { privs: 'VM.Audit' })).status).toBe(500);
  });
});

describe('permission checks as each product makes them', () => {
  const rootToken = (engine: SimulatorEngine, role: string): Caller => {
    const root = engine.access.users.get('root@pam')!;
    root.tokens.set('t', { tokenid: 't', secret: 'root-token-secret', privsep: true, expire: 0 });
    engine.access.grant('/', 'root@pam!t', role);
    return tokenCaller(engine, 'root@pam!t', 'root-token-secret');
  };
  const rrd = { timeframe: 'hour', cf: 'AVERAGE' };

  it('root@pam passes methods without a permission spec; its tokens do not', async () => {
    const pbs = demoEngine({ service: 'PBS' });
    expect((await as(pbs, await loginAs(pbs, 'root@pam', 'proxmox'), 'GET', '/nodes')).status).toBe(200);
    const denied = await as(pbs, rootToken(pbs, 'Admin'), 'GET', '/nodes');
    expect([denied.status, denied.statusText, denied.message]).toEqual([
      403,
      'Forbidden',
      'permission check failed',
    ]);
    const pve = demoEngine();
    const perl = await as(pve, rootToken(pve, 'Administrator'), 'POST', '/cluster/config');
    expect([perl.status, perl.statusText]).toEqual([403, 'Permission check failed (user != root@pam)']);
  });

  it('PBS/PDM: `partial` means any one of the privileges, on the path itself', async () => {
    const engine = demoEngine({ service: 'PBS' });
    await ok(engine, 'POST', '/access/users', { userid: 'dsaudit@pbs', password: 'dsaudit-pw' });
    const acl = (path: string, role: string) =>
      ok(engine, 'PUT', '/access/acl', { path, 'auth-id': 'dsaudit@pbs', role });
    await acl('/datastore/store1', 'DatastoreAudit');
    const caller = await loginAs(engine, 'dsaudit@pbs', 'dsaudit-pw');
    // Datastore.Audit|Datastore.Backup, partial: Datastore.Audit alone will do.
    expect((await as(engine, caller, 'GET', '/admin/datastore/store1/rrd', rrd)).status).not.toBe(403);
    // Privileges on a path below do not count for the path checked.
    await acl('/datastore/store1', 'NoAccess');
    await acl('/datastore/store1/prod', 'DatastoreAudit');
    expect((await as(engine, caller, 'GET', '/admin/datastore/store1/rrd', rrd)).status).toBe(403);
  });

  it('PBS/PDM: only the URL path parameters fill a check; a missing one fails it', async () => {
    const engine = demoEngine({ service: 'PDM' });
    const automation = engine.accounts.find((a) => a.userid === 'automation@pdm')!;
    const full = automation.tokens.find((t) => t.tokenid === 'full')!;
    const admin = tokenCaller(engine, 'automation@pdm!full', full.value);
    expect((await as(engine, admin, 'GET', '/remotes/remote')).status).toBe(200);
    // `/resource/{remote}`, but `remote` is no path parameter of this method: only root@pam passes.
    const denied = await as(engine, admin, 'GET', '/pve/firewall/status', { remote: 'remote1' });
    expect([denied.status, denied.statusText, denied.message]).toEqual([
      403,
      'Forbidden',
      'permission check failed',
    ]);
    expect((await engine.call('GET', '/pve/firewall/status')).status).not.toBe(403);
  });

  it('PBS/PDM: a token is not its user for `userParam`, and always has an ACL of its own', async () => {
    const engine = demoEngine({ service: 'PBS' });
    const own = await loginAs(engine, 'auditor@pbs', 'auditor');
    expect((await as(engine, own, 'GET', '/access/users/auditor@pbs/token')).status).toBe(200);
    const auditor = engine.access.users.get('auditor@pbs')!;
    auditor.tokens.set('plain', { tokenid: 'plain', secret: 'plain-secret', privsep: false, expire: 0 });
    const token = tokenCaller(engine, 'auditor@pbs!plain', 'plain-secret');
    expect((await as(engine, token, 'GET', '/access/users/auditor@pbs/token')).status).toBe(403);
    // PBS has no `privsep`: without an ACL entry of its own the token has nothing.
    expect((await as(engine, token, 'GET', '/nodes/pbs/status')).status).toBe(403);
    engine.access.grant('/', 'auditor@pbs!plain', 'Audit');
    expect((await as(engine, token, 'GET', '/nodes/pbs/status')).status).not.toBe(403);
  });

  it('the audit roles hold what upstream gives them', () => {
    const privs = (service: 'PBS' | 'PDM', role: string) => [
      ...(demoEngine({ service }).access.roles.get(role)?.privs ?? []),
    ];
    expect(privs('PBS', 'Audit').sort()).toEqual(['Datastore.Audit', 'Sys.Audit']);
    expect(privs('PDM', 'Auditor').sort()).toEqual(['Access.Audit', 'Resource.Audit', 'System.Audit']);
  });

  it('NoAccess among the roles on a level empties it', async () => {
    const engine = demoEngine();
    await ok(engine, 'PUT', '/access/acl', { path: '/', users: 'auditor@pve', roles: 'NoAccess' });
    const caller = await loginAs(engine, 'auditor@pve', 'auditor');
    expect((await as(engine, caller, 'GET', '/nodes/pve1/status')).status).toBe(403);
  });

  it('PMG: the role must be in the list, helpdesk counts as qmanager and audit, no list is root only', async () => {
    const engine = demoEngine({ service: 'PMG' });
    engine.access.addUser({ userid: 'desk@pmg', password: 'desk-password', pmgRole: 'helpdesk' });
    const helpdesk = await loginAs(engine, 'desk@pmg', 'desk-password');
    const audit = await loginAs(engine, 'auditor@pmg', 'auditor');
    const content = { id: 'C1R1T1', action: 'deliver' };
    // The check lists admin, qmanager and quser.
    expect((await as(engine, helpdesk, 'POST', '/quarantine/content', content)).status).not.toBe(403);
    const refused = await as(engine, audit, 'POST', '/quarantine/content', content);
    expect([refused.status, refused.statusText]).toEqual([403, 'Permission check failed']);
    const admin = await loginAs(engine, 'automation@pmg', 'automation');
    const rootOnly = await as(engine, admin, 'GET', '/config');
    expect([rootOnly.status, rootOnly.statusText]).toEqual([
      403,
      'Permission check failed (user != root@pam)',
    ]);
  });
});
