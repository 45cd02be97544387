/**
 * Wire behaviour checked line by line against Proxmox's server source (issue 14). Each test
 * names the file and function it follows; docs/simulator.md keeps the table.
 */
import { describe, expect, it } from 'vitest';
import { SimulatorEngine } from '../../src/simulator/index.js';
import { as, loginAs, ok, tokenCaller } from './engine-helpers.js';

const pve = () => new SimulatorEngine({ taskDurationMs: 1000 });
const pbs = () => new SimulatorEngine({ service: 'PBS', taskDurationMs: 1000 });

function token(engine: SimulatorEngine, userid: string, tokenid: string) {
  const t = engine.accounts.find((a) => a.userid === userid)!.tokens.find((x) => x.tokenid === tokenid)!;
  return tokenCaller(engine, `${userid}!${tokenid}`, t.value);
}

describe('booleans (item 1)', () => {
  it('pve-common src/PVE/JSONSchema.pm check_type: PVE takes only 1/0 in query and form', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const words = await as(engine, root, 'GET', '/nodes/pve1/qemu', { full: 'true' });
    expect(words.status).toBe(400);
    expect(words.message).toBe('Parameter verification failed.');
    const res = await engine.handle({
      method: 'GET',
      url: '/api2/json/nodes/pve1/qemu?full=yes',
      headers: root.headers,
    });
    expect(JSON.parse(String(res.body)).errors).toEqual({
      full: "type check ('boolean') failed - got 'yes'",
    });
    expect((await as(engine, root, 'GET', '/nodes/pve1/qemu', { full: '1' })).status).toBe(200);
  });

  it('pve-common JSONSchema.pm check_type: JSON true/false inside a JSON body pass', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await engine.handle({
      method: 'POST',
      url: '/api2/json/nodes/pve1/qemu',
      headers: { ...root.headers, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ vmid: 4100, start: false })),
    });
    expect(res.status).toBe(200);
  });

  it('proxmox-schema src/schema.rs parse_boolean: PBS accepts the words', async () => {
    const engine = pbs();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    expect((await as(engine, root, 'GET', '/nodes/localhost/tasks', { errors: 'true' })).status).toBe(200);
    const bad = await as(engine, root, 'GET', '/nodes/localhost/tasks', { errors: 'maybe' });
    expect(bad.status).toBe(400);
    // proxmox-schema ParameterError Display (item 10): the post-2023 wording.
    expect(bad.message).toBe("parameter verification failed - 'errors': Unable to parse boolean option.");
  });
});

describe('API tokens (item 4)', () => {
  it('pve-manager PVE/HTTPServer.pm rest_handler: allowtoken 0 answers 403 with the URI', async () => {
    const engine = pve();
    const res = await as(engine, token(engine, 'automation@pve', 'full'), 'PUT', '/access/password', {
      userid: 'automation@pve',
      password: 'another-password',
    });
    expect(res.status).toBe(403);
    expect(res.message).toBe(
      "Permission check failed (URI '/access/password' not available with API token, need proper ticket.)",
    );
  });

  it('pve-manager PVE/HTTPServer.pm rest_handler: POST /access/ticket with a token header is 403', async () => {
    const engine = pve();
    const res = await engine.handle({
      method: 'POST',
      url: '/api2/json/access/ticket',
      headers: {
        authorization: 'PVEAPIToken=automation@pve!ci=not-even-checked',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: Buffer.from('username=root%40pam&password=proxmox'),
    });
    expect(res.status).toBe(403);
    expect(res.statusText).toMatch(/URI '\/access\/ticket' not available with API token/);
  });
});

describe('auth-layer answers (item 9)', () => {
  it('pve-http-server AnyEvent.pm authenticate_and_handle_request: 401 with no body and no Content-Type', async () => {
    const engine = pve();
    const none = await engine.handle({ method: 'GET', url: '/api2/json/nodes', headers: {} });
    expect(none.status).toBe(401);
    expect(none.statusText).toBe('No ticket');
    expect(none.body).toBe('');
    expect(none.headers['content-type']).toBeUndefined();
    const bad = await engine.handle({
      method: 'GET',
      url: '/api2/json/nodes',
      headers: { authorization: 'PVEAPIToken=automation@pve!ci=wrong' },
    });
    // pve-manager PVE/HTTPServer.pm auth_handler: "Authentication failed!".
    expect(bad.statusText).toBe('Authentication failed!');
    expect(bad.body).toBe('');
  });

  it('pve-http-server AnyEvent.pm: the ticket is also read from the Authorization header', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const cookie = root.headers.cookie!;
    const res = await as(engine, { headers: { authorization: cookie } }, 'GET', '/version');
    expect(res.status).toBe(200);
  });

  it('proxmox-rest-server rest.rs Formatted::handle_request: PBS says "authentication failed"', async () => {
    const engine = pbs();
    const res = await engine.handle({ method: 'GET', url: '/api2/json/version', headers: {} });
    expect(res.status).toBe(401);
    expect(res.body).toBe('authentication failed');
    expect(res.headers['content-type']).toBeUndefined();
  });
});

describe('unknown paths and methods (item 11)', () => {
  it('pve-manager PVE/HTTPServer.pm rest_handler: authentication first, then 501', async () => {
    const engine = pve();
    expect((await engine.handle({ method: 'GET', url: '/api2/json/no/such', headers: {} })).status).toBe(401);
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await as(engine, root, 'GET', '/no/such');
    expect(res.status).toBe(501);
    expect(res.statusText).toBe("Method 'GET /no/such' not implemented");
  });

  it('pve-http-server AnyEvent.pm process_header: PATCH is 501 "method \'PATCH\' not available"', async () => {
    const res = await pve().handle({ method: 'PATCH', url: '/api2/json/version', headers: {} });
    expect(res.status).toBe(501);
    expect(res.statusText).toBe("method 'PATCH' not available");
  });

  it('proxmox-rest-server rest.rs Formatted::handle_request: PBS answers 404 "Path ... not found."', async () => {
    const engine = pbs();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await as(engine, root, 'GET', '/no/such');
    expect(res.status).toBe(404);
    expect(res.message).toBe("Path '/api2/json/no/such' not found.");
    // The PVE-only 501 for a body on GET does not apply.
    const body = await engine.handle({
      method: 'GET',
      url: '/api2/json/version',
      headers: { ...root.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('a=1'),
    });
    expect(body.status).not.toBe(501);
  });
});

describe('lists and ids (item 12)', () => {
  it('pve-common src/PVE/RESTHandler.pm normalize_legacy_param_formats: repeated -list keys are joined', async () => {
    const engine = pve();
    await ok(engine, 'PUT', '/nodes/pve1/qemu/100/config', { description: 'x', tags: 'a' });
    await ok(engine, 'PUT', '/nodes/pve1/qemu/100/config', { delete: ['description', 'tags'] });
    const config = await ok(engine, 'GET', '/nodes/pve1/qemu/100/config');
    expect(config.description).toBeUndefined();
    expect(config.tags).toBeUndefined();
  });

  it('pve-common JSONSchema.pm pve_verify_configid: a snapshot named before-upgrade is valid', async () => {
    const engine = pve();
    const upid = await ok(engine, 'POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 'before-upgrade' });
    expect(upid).toMatch(/^UPID:/);
  });

  it('pve-manager PVE/HTTPServer.pm rest_handler: a query value contradicting the path is 400', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await engine.handle({
      method: 'GET',
      url: '/api2/json/nodes/pve1/qemu?node=pve2',
      headers: root.headers,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(String(res.body)).errors.node).toBe(
      'duplicate parameter (already defined in URI) with conflicting values!',
    );
  });
});

describe('task paths (item 2)', () => {
  it('proxmox-backup src/api2/node/tasks.rs get_task_status/read_task_log/list_tasks: PBS ignores {node}', async () => {
    const engine = pbs();
    const store = (await ok(engine, 'GET', '/admin/datastore'))[0].store;
    const upid: string = await ok(engine, 'POST', `/admin/datastore/${store}/gc`);
    engine.clock.advance(2000);
    // proxmox-backup-client sends `localhost`; any name reaches the same task.
    for (const node of ['localhost', 'some-other-name']) {
      expect((await ok(engine, 'GET', `/nodes/${node}/tasks/${upid}/status`)).upid).toBe(upid);
      expect(await ok(engine, 'GET', `/nodes/${node}/tasks/${upid}/log`)).toBeInstanceOf(Array);
      const listed = await ok(engine, 'GET', `/nodes/${node}/tasks`);
      expect(listed.map((t: { upid: string }) => t.upid)).toContain(upid);
      // into_task_list_item: every listed task's node is `localhost`, whatever the UPID says.
      expect(listed.find((t: { upid: string }) => t.upid === upid).node).toBe('localhost');
    }
    expect((await ok(engine, 'GET', `/nodes/localhost/tasks/${upid}/status`)).node).toBe(upid.split(':')[1]);
  });

  it('pve-manager PVE/API2/Tasks.pm read_task_status: PVE routes by the node in the path', async () => {
    const engine = pve();
    const upid: string = await ok(engine, 'POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 't1' });
    expect((await ok(engine, 'GET', `/nodes/pve1/tasks/${upid}/status`)).upid).toBe(upid);
    // Proxied to pve2, which has no such task file: raise_param_exc({ upid => 'no such task' }).
    const elsewhere = await engine.call('GET', `/nodes/pve2/tasks/${upid}/status`);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.errors).toEqual({ upid: 'no such task' });
  });

  it('proxmox-backup tasks.rs check_task_access: another user needs Sys.Audit on /system/tasks, else 400', async () => {
    const engine = pbs();
    const store = (await ok(engine, 'GET', '/admin/datastore'))[0].store;
    const upid: string = await ok(engine, 'POST', `/admin/datastore/${store}/gc`);
    await ok(engine, 'POST', '/access/users', { userid: 'eve@pbs', password: 'evepassword1' });
    const eve = await loginAs(engine, 'eve@pbs', 'evepassword1');
    const refused = await as(engine, eve, 'GET', `/nodes/localhost/tasks/${encodeURIComponent(upid)}/status`);
    expect(refused.status).toBe(400);
    expect(refused.message).toBe('task access not allowed');
    await ok(engine, 'PUT', '/access/acl', { path: '/system/tasks', role: 'Audit', 'auth-id': 'eve@pbs' });
    const allowed = await as(engine, eve, 'GET', `/nodes/localhost/tasks/${encodeURIComponent(upid)}/status`);
    expect(allowed.status).toBe(200);
  });
});

describe('task logs (item 7)', () => {
  async function readLog(engine: SimulatorEngine, node: string, upid: string, query: string) {
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await engine.handle({
      method: 'GET',
      url: `/api2/json/nodes/${node}/tasks/${encodeURIComponent(upid)}/log?${query}`,
      headers: root.headers,
    });
    expect(res.status).toBe(200);
    return JSON.parse(String(res.body)) as {
      data: { n: number; t: string }[];
      total: number;
      active?: boolean;
    };
  }

  it('pve-common PVE/Tools.pm dump_logfile_by_filehandle: limit=0 reads to the end; start skips lines', async () => {
    const engine = pve();
    const upid: string = await ok(engine, 'POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 'logs' });
    engine.clock.advance(2000);
    const full = await readLog(engine, 'pve1', upid, 'limit=0');
    expect(full.data.length).toBe(full.total);
    expect(full.data.at(-1)).toEqual({ n: full.total, t: 'TASK OK' });
    const tail = await readLog(engine, 'pve1', upid, `start=${full.total - 1}&limit=0`);
    expect(tail.data).toEqual([{ n: full.total, t: 'TASK OK' }]);
  });

  it('pve-common dump_logfile_by_filehandle: a task that has logged nothing answers {n:1, t:"no content"}', async () => {
    const engine = pve();
    const upid: string = await ok(engine, 'POST', '/nodes/pve1/qemu/100/status/suspend');
    const fresh = await readLog(engine, 'pve1', upid, '');
    expect(fresh).toMatchObject({ data: [{ n: 1, t: 'no content' }], total: 1 });
  });

  it('proxmox-backup src/api2/node/tasks.rs read_task_log: start counts from 1, no "no content" line, test-status adds active', async () => {
    const engine = pbs();
    const store = (await ok(engine, 'GET', '/admin/datastore'))[0].store;
    const upid: string = await ok(engine, 'POST', `/admin/datastore/${store}/gc`);
    const running = await readLog(engine, 'localhost', upid, 'test-status=1');
    expect(running.active).toBe(true);
    engine.clock.advance(2000);
    const full = await readLog(engine, 'localhost', upid, 'limit=0&test-status=1');
    expect(full.active).toBe(false);
    expect(full.data.length).toBe(full.total);
    expect((await readLog(engine, 'localhost', upid, 'start=1')).data[0]?.n).toBe(1);
    const last = await readLog(engine, 'localhost', upid, `start=${full.total}`);
    expect(last.data).toEqual([{ n: full.total, t: 'TASK OK' }]);
  });
});

describe('path decoding (issue 15.9)', () => {
  it('pve-http-server AnyEvent.pm authenticate_and_handle_request: uri_unescape before the split, so %2F separates segments', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await engine.handle({
      method: 'GET',
      url: '/api2/json/nodes/pve1%2Fqemu',
      headers: root.headers,
    });
    expect(res.status).toBe(200);
    const direct = await engine.handle({
      method: 'GET',
      url: '/api2/json/nodes/pve1/qemu',
      headers: root.headers,
    });
    expect(JSON.parse(String(res.body))).toEqual(JSON.parse(String(direct.body)));
    // A bad escape stays as it is (URI::Escape): the handler's node check refuses the name, not a "malformed URI".
    const bad = await engine.handle({
      method: 'GET',
      url: '/api2/json/nodes/pve%ZZ1/qemu',
      headers: root.headers,
    });
    expect(JSON.parse(String(bad.body)).errors).toHaveProperty('node');
  });
});
