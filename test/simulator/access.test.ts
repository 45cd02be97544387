import { TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { as, demoEngine, loginAs, ok, tokenCaller } from './engine-helpers.js';

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
