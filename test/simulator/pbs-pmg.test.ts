import { describe, expect, it } from 'vitest';
import { as, demoEngine, fails, finish, loginAs, ok, tokenCaller } from './engine-helpers.js';

describe('PBS datastores', () => {
  it('lists datastores, namespaces, groups and snapshots; protected snapshots survive deletion', async () => {
    const engine = demoEngine({ service: 'PBS' });
    expect((await ok(engine, 'GET', '/admin/datastore')).map((d: any) => d.store)).toEqual(['store1']);
    const namespaces = (await ok(engine, 'GET', '/admin/datastore/store1/namespace')).map((n: any) => n.ns);
    expect(namespaces).toEqual(['', 'archive', 'dev', 'prod', 'prod/web']);
    const groups = await ok(engine, 'GET', '/admin/datastore/store1/groups', { ns: 'prod' });
    expect(groups).toEqual([
      expect.objectContaining({ 'backup-type': 'vm', 'backup-id': '101', 'backup-count': 3 }),
    ]);
    const snaps = await ok(engine, 'GET', '/admin/datastore/store1/snapshots', {
      'backup-type': 'vm',
      'backup-id': '100',
    });
    expect(snaps).toHaveLength(3);
    const oldest = snaps.at(-1);
    expect(oldest.protected).toBe(true);
    const refused = await fails(engine, 'DELETE', '/admin/datastore/store1/snapshots', {
      'backup-type': 'vm',
      'backup-id': '100',
      'backup-time': String(oldest['backup-time']),
    });
    expect(refused.message).toMatch(/protected/);
    await ok(engine, 'DELETE', '/admin/datastore/store1/snapshots', {
      'backup-type': 'vm',
      'backup-id': '100',
      'backup-time': String(snaps[0]['backup-time']),
    });
    expect(await ok(engine, 'GET', '/admin/datastore/store1/snapshots', { 'backup-id': '100' })).toHaveLength(
      2,
    );
  });

  it('creates namespaces and datastores (the latter as a task with a PBS UPID)', async () => {
    const engine = demoEngine({ service: 'PBS' });
    expect(
      await ok(engine, 'POST', '/admin/datastore/store1/namespace', { parent: 'prod', name: 'db' }),
    ).toBe('prod/db');
    const upid = await ok(engine, 'POST', '/config/datastore', {
      name: 'store2',
      path: '/mnt/datastore/store2',
    });
    expect(upid).toMatch(
      /^UPID:pbs:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:create-datastore:store2:root@pam:$/,
    );
    await finish(engine, upid);
    expect((await ok(engine, 'GET', '/config/datastore')).map((d: any) => d.name)).toEqual([
      'store1',
      'store2',
    ]);
  });

  it('shows a token only the datastores its ACL allows', async () => {
    const engine = demoEngine({ service: 'PBS' });
    const created = await ok(engine, 'POST', '/access/users/automation@pbs/token/reader');
    expect(created).toEqual({ tokenid: 'automation@pbs!reader', value: expect.any(String) });
    const caller = tokenCaller(engine, 'automation@pbs!reader', created.value);
    expect((await as(engine, caller, 'GET', '/admin/datastore')).data).toEqual([]);
    await ok(engine, 'PUT', '/access/acl', {
      path: '/datastore/store1',
      'auth-id': 'automation@pbs!reader',
      role: 'DatastoreReader',
    });
    expect((await as(engine, caller, 'GET', '/admin/datastore')).data.map((d: any) => d.store)).toEqual([
      'store1',
    ]);
  });
});

describe('PMG quarantine and rule objects', () => {
  it('lets a quarantine user see and act on their own mail only', async () => {
    const engine = demoEngine({ service: 'PMG' });
    const res = await engine.handle({
      method: 'POST',
      url: '/api2/json/access/ticket',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('username=alice%40example.com&password=alice-quarantine'),
    });
    const login = JSON.parse(String(res.body)).data;
    expect(login).toMatchObject({
      username: 'alice@example.com@quarantine',
      role: 'quser',
      ticket: expect.stringMatching(/^PMGQUAR:/),
    });
    const alice = {
      headers: {
        cookie: `PMGQUARAuthCookie=${encodeURIComponent(login.ticket)}`,
        csrfpreventiontoken: login.CSRFPreventionToken,
      },
    };
    const own = await as(engine, alice, 'GET', '/quarantine/spam');
    expect(own.status).toBe(200);
    expect(own.data.every((m: any) => m.receiver === 'alice@example.com')).toBe(true);
    expect((await as(engine, alice, 'GET', '/quarantine/spam', { pmail: 'bob@example.com' })).status).toBe(
      403,
    );
    expect((await as(engine, alice, 'GET', '/quarantine/spamusers')).status).toBe(403);
    const first = own.data[0].id;
    expect(
      (await as(engine, alice, 'POST', '/quarantine/content', { id: first, action: 'delete' })).status,
    ).toBe(200);
    expect((await as(engine, alice, 'GET', '/quarantine/spam')).data).toHaveLength(own.data.length - 1);
  });

  it('gives admins the quarantine of every user and the rule database groups', async () => {
    const engine = demoEngine({ service: 'PMG' });
    const admin = await loginAs(engine, 'automation@pmg', 'automation');
    expect((await as(engine, admin, 'GET', '/quarantine/spamusers')).data.map((u: any) => u.mail)).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
    const id = (
      await as(engine, admin, 'POST', '/config/ruledb/who', { name: 'VIPs', info: 'always deliver' })
    ).data;
    expect(typeof id).toBe('number');
    await as(engine, admin, 'POST', `/config/ruledb/who/${id}/email`, { email: 'ceo@example.com' });
    const objects = await as(engine, admin, 'GET', `/config/ruledb/who/${id}/objects`);
    expect(objects.data).toEqual([expect.objectContaining({ otype: 'email', descr: 'ceo@example.com' })]);
    const auditor = await loginAs(engine, 'auditor@pmg', 'auditor');
    expect((await as(engine, auditor, 'POST', '/config/ruledb/who', { name: 'x' })).status).toBe(403);
  });
});
