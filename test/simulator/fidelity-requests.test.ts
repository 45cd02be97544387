/**
 * Issue 14 item 14, the smaller wire rules: unknown UPIDs, bodies the servers cannot read,
 * DELETE /access/ticket and the texts of permission refusals. Each test names the source it
 * follows; docs/simulator.md keeps the table.
 */
import { describe, expect, it } from 'vitest';
import { checkPermissions, perlPrivilegeDenial } from '../../src/simulator/access/permissions.js';
import { SimulatorEngine } from '../../src/simulator/index.js';
import { as, type Caller, jsonOf, loginAs, ok } from './engine-helpers.js';

const pve = () => new SimulatorEngine({ taskDurationMs: 1000 });
const pbs = () => new SimulatorEngine({ service: 'PBS', taskDurationMs: 1000 });
const UNKNOWN_PVE = 'UPID:pve1:00001234:00005678:65000000:qmstart:100:root@pam:';
const UNKNOWN_PBS = 'UPID:localhost:00001234:00005678:00000001:65000000:garbage_collection:store1:root@pam:';

async function send(
  engine: SimulatorEngine,
  caller: Caller | undefined,
  method: string,
  path: string,
  body?: { type: string; data: string },
) {
  const headers: Record<string, string> = { ...caller?.headers };
  if (body) headers['content-type'] = body.type;
  const res = await engine.handle({
    method,
    url: `/api2/json${path}`,
    headers,
    ...(body ? { body: Buffer.from(body.data) } : {}),
  });
  const text = String(res.body);
  return { status: res.status, headers: res.headers, text, json: jsonOf(text) };
}

describe('unknown UPIDs (pve-manager PVE/API2/Tasks.pm; proxmox-backup src/api2/node/tasks.rs)', () => {
  it('PVE read_task_status: a malformed UPID is 400 "unable to parse worker upid" (PVE/UPID.pm decode)', async () => {
    const res = await pve().call('GET', '/nodes/pve1/tasks/UPID:nonsense/status');
    expect(res.status).toBe(400);
    expect(res.errors).toEqual({ upid: 'unable to parse worker upid' });
  });

  it('PVE read_task_status and stop_task: a well-formed unknown UPID is 400 "no such task"', async () => {
    const engine = pve();
    for (const [method, path] of [
      ['GET', `/nodes/pve1/tasks/${UNKNOWN_PVE}/status`],
      ['DELETE', `/nodes/pve1/tasks/${UNKNOWN_PVE}`],
    ] as const) {
      const res = await engine.call(method, path);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.errors).toEqual({ upid: 'no such task' });
    }
  });

  it('PVE read_task_log: no existence check, pve-common PVE/Tools.pm dump_logfile answers one line', async () => {
    const res = await pve().call('GET', `/nodes/pve1/tasks/${UNKNOWN_PVE}/log`);
    expect(res.status).toBe(200);
    expect(res.data).toEqual([{ n: 1, t: 'unable to open file - No such file or directory' }]);
  });

  it('PBS get_task_status: an unknown task is stopped with exit status "unknown" (TaskState::Unknown)', async () => {
    const status = await ok(pbs(), 'GET', `/nodes/localhost/tasks/${UNKNOWN_PBS}/status`);
    expect(status).toMatchObject({
      status: 'stopped',
      exitstatus: 'unknown',
      upid: UNKNOWN_PBS,
      pid: 0x1234,
    });
  });

  it("PBS read_task_log: the log file's open error is a plain 400", async () => {
    const res = await pbs().call('GET', `/nodes/localhost/tasks/${UNKNOWN_PBS}/log`);
    expect(res.status).toBe(400);
    expect(res.message).toBe('No such file or directory (os error 2)');
  });
});

describe('request bodies (pve-http-server AnyEvent.pm; proxmox-rest-server rest.rs get_request_parameters)', () => {
  const plain = { type: 'text/plain', data: 'comment=hello' };

  it('authenticate_and_handle_request: a text/plain body is a bare 506, after auth', async () => {
    const engine = pve();
    expect((await send(engine, undefined, 'PUT', '/cluster/options', plain)).status).toBe(401);
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await send(engine, root, 'PUT', '/cluster/options', plain);
    expect(res.status).toBe(506);
    expect(res.text).toBe("upload 'Content-Type 'text/plain' not implemented");
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('authenticate_and_handle_request: multipart only reaches the upload method (isUpload)', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await send(engine, root, 'PUT', '/cluster/options', {
      type: 'multipart/form-data; boundary=x',
      data: '--x\r\nContent-Disposition: form-data; name="keyboard"\r\n\r\nde\r\n--x--\r\n',
    });
    expect(res.status).toBe(506);
  });

  it('authenticate_and_handle_request: a body on GET is 501 only once the caller is known', async () => {
    const engine = pve();
    const form = { type: 'application/x-www-form-urlencoded', data: 'a=1' };
    expect((await send(engine, undefined, 'GET', '/nodes', form)).status).toBe(401);
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await send(engine, root, 'GET', '/nodes', form);
    expect(res.status).toBe(501);
    expect(res.text).toBe("Unexpected content for method 'GET'");
  });

  it('extract_params: malformed JSON dies inside handle_api2_request, a bare 500', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await send(engine, root, 'PUT', '/cluster/options', {
      type: 'application/json',
      data: '{"a":',
    });
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/^malformed JSON string/);
    const list = await send(engine, root, 'PUT', '/cluster/options', {
      type: 'application/json',
      data: '[1]',
    });
    expect(list.status).toBe(500);
  });

  it('PBS get_request_parameters: text/plain is 400 "unsupported content type", bad JSON 400', async () => {
    const engine = pbs();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await send(engine, root, 'POST', '/access/users', plain);
    expect(res.status).toBe(400);
    expect(res.text).toBe('unsupported content type Ok("text/plain")');
    const json = await send(engine, root, 'POST', '/access/users', { type: 'application/json', data: '{' });
    expect(json.status).toBe(400);
  });

  it('PBS get_request_parameters: with a JSON body the query is not read', async () => {
    const engine = pbs();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await send(engine, root, 'POST', '/access/users?comment=from-query', {
      type: 'application/json',
      data: JSON.stringify({ userid: 'jq@pbs', password: 'jq-password-1' }),
    });
    expect(res.status).toBe(200);
    const user = await ok(engine, 'GET', '/access/users/jq@pbs');
    expect(user.comment).toBeUndefined();
  });
});

describe('DELETE /access/ticket', () => {
  it('PVE has none (PVE/API2/AccessControl.pm): auth first, then 501 (PVE/HTTPServer.pm rest_handler)', async () => {
    const engine = pve();
    expect((await send(engine, undefined, 'DELETE', '/access/ticket')).status).toBe(401);
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await send(engine, root, 'DELETE', '/access/ticket');
    expect(res.status).toBe(501);
    expect(res.json.message).toBe("Method 'DELETE /access/ticket' not implemented\n");
  });

  it('PBS logs out (proxmox-auth-api api/access.rs logout_handler): the cookie is expired', async () => {
    const res = await send(pbs(), undefined, 'DELETE', '/access/ticket');
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toMatch(/^__Host-PBSAuthCookie=; Expires=Thu, 01 Jan 1970/);
    expect(res.json).toEqual({ data: {}, status: 200, success: true });
  });
});

describe('permission messages (pve-access-control PVE/RPCEnvironment.pm check, check_any)', () => {
  it('check_any names every privilege joined by |', async () => {
    const engine = pve();
    await ok(engine, 'POST', '/access/users', { userid: 'nobody@pve', password: 'nobody-password' });
    const nobody = await loginAs(engine, 'nobody@pve', 'nobody-password');
    const res = await as(engine, nobody, 'GET', '/cluster/ceph/status');
    expect(res.status).toBe(403);
    expect(res.message).toBe('Permission check failed (/, Sys.Audit|Datastore.Audit)');
  });

  it('check names the path and the first privilege missing, not the whole list', async () => {
    const engine = pve();
    await ok(engine, 'POST', '/access/users', { userid: 'vmops@pve', password: 'vmops-password' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms', users: 'vmops@pve', roles: 'PVEVMUser' });
    const subject = { userid: 'vmops@pve' };
    expect(perlPrivilegeDenial(engine.access, subject, '/vms/100', ['VM.Audit', 'VM.Allocate'])).toBe(
      'Permission check failed (/vms/100, VM.Allocate)',
    );
    expect(
      perlPrivilegeDenial(engine.access, subject, '/vms/100', ['VM.Audit', 'VM.PowerMgmt']),
    ).toBeUndefined();
  });

  it('exec_api2_perm_check: a require_param that is absent fails the test', async () => {
    const engine = pve();
    const spec = { check: ['perm', '/vms/{vmid}', ['VM.Audit'], 'require_param', 'vmid'] };
    const ctx = { access: engine.access, subject: { userid: 'auditor@pve' }, params: {} };
    expect(checkPermissions(spec, ctx)).toBe('Permission check failed');
    expect(checkPermissions(spec, { ...ctx, params: { vmid: '100' } })).toBeUndefined();
  });

  it('check_perm_modify: VM.Allocate on a /vms path is enough to change its ACL', async () => {
    const engine = pve();
    await ok(engine, 'POST', '/access/users', { userid: 'owner@pve', password: 'owner-password' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms/100', users: 'owner@pve', roles: 'PVEVMAdmin' });
    const owner = await loginAs(engine, 'owner@pve', 'owner-password');
    const grant = { path: '/vms/100', users: 'auditor@pve', roles: 'PVEVMUser' };
    expect((await as(engine, owner, 'PUT', '/access/acl', grant)).status).toBe(200);
    const elsewhere = await as(engine, owner, 'PUT', '/access/acl', { ...grant, path: '/storage' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.message).toBe('Permission check failed (/storage, Permissions.Modify)');
  });
});

describe('token tasks (item 8: pve-manager PVE/API2/Tasks.pm $convert_token_task, $check_task_user)', () => {
  async function setup() {
    const engine = pve();
    await ok(engine, 'POST', '/access/users', { userid: 'vmops@pve', password: 'vmops-password' });
    await ok(engine, 'PUT', '/access/acl', { path: '/vms', users: 'vmops@pve', roles: 'PVEVMAdmin' });
    const token = async (name: string): Promise<Caller> => {
      const made = await ok(engine, 'POST', `/access/users/vmops@pve/token/${name}`, { privsep: '0' });
      return { headers: { authorization: `PVEAPIToken=vmops@pve!${name}=${made.value}` } };
    };
    const a = await token('ta');
    const b = await token('tb');
    const started = await as(engine, a, 'POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 'by-token' });
    expect(started.status).toBe(200);
    return { engine, a, b, upid: started.data as string };
  }

  it('status names user and tokenid apart', async () => {
    const { engine, a, upid } = await setup();
    const status = await as(engine, a, 'GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`);
    expect(status.data).toMatchObject({ user: 'vmops@pve', tokenid: 'ta' });
  });

  it('the list converts archived tasks, not running ones', async () => {
    const { engine, upid } = await setup();
    const running = (await ok(engine, 'GET', '/nodes/pve1/tasks', { source: 'active' })).find(
      (t: { upid: string }) => t.upid === upid,
    );
    expect(running.user).toBe('vmops@pve!ta');
    expect(running).not.toHaveProperty('tokenid');
    engine.clock.advance(2000);
    const archived = (await ok(engine, 'GET', '/nodes/pve1/tasks')).find(
      (t: { upid: string }) => t.upid === upid,
    );
    expect(archived).toMatchObject({ user: 'vmops@pve', tokenid: 'ta' });
  });

  it("a user sees its tokens' tasks; another token of the same user does not", async () => {
    const { engine, b, upid } = await setup();
    const user = await loginAs(engine, 'vmops@pve', 'vmops-password');
    const path = `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`;
    expect((await as(engine, user, 'GET', path)).status).toBe(200);
    const sibling = await as(engine, b, 'GET', path);
    expect(sibling.status).toBe(403);
    expect(sibling.message).toBe('Permission check failed (/nodes/pve1, Sys.Audit)');
    // node_tasks: without Sys.Audit on the node, a list shows only one's own tasks.
    engine.clock.advance(2000);
    const mine = await as(engine, user, 'GET', '/nodes/pve1/tasks');
    expect(mine.data.map((t: { upid: string }) => t.upid)).toEqual([upid]);
    expect((await as(engine, b, 'GET', '/nodes/pve1/tasks')).data).toEqual([]);
  });
});

describe('limits and lifetimes the page claims', () => {
  it('AnyEvent.pm authenticate_and_handle_request: a form body over 512 KiB is 501 "for data too large"', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const big = { type: 'application/x-www-form-urlencoded', data: `description=${'x'.repeat(520 * 1024)}` };
    const res = await send(engine, root, 'PUT', '/nodes/pve1/qemu/100/config', big);
    expect(res.status).toBe(501);
    expect(res.text).toBe('for data too large');
  });

  it('proxmox-rest-server rest.rs handle_request: path and query over 3072 bytes are a bare 414', async () => {
    const engine = pbs();
    const res = await engine.handle({
      method: 'GET',
      url: `/api2/json/version?x=${'y'.repeat(3100)}`,
      headers: {},
    });
    expect(res.status).toBe(414);
    expect(String(res.body)).toBe('');
  });

  it('pve-access-control AccessControl.pm $get_ticket_age_range: 2 hours, and up to 5 minutes early', async () => {
    const engine = pve();
    const now = engine.clock.now();
    const at = (offsetS: number) => ({
      headers: {
        cookie: `PVEAuthCookie=${encodeURIComponent(engine.signer.create('PVE', 'root@pam', now + offsetS * 1000))}`,
      },
    });
    expect((await as(engine, at(290), 'GET', '/version')).status).toBe(200);
    expect((await as(engine, at(310), 'GET', '/version')).status).toBe(401);
    expect((await as(engine, at(-7190), 'GET', '/version')).status).toBe(200);
    expect((await as(engine, at(-7210), 'GET', '/version')).status).toBe(401);
  });

  it("pve-manager PVE/API2/Tasks.pm stop_task: another user's task needs Sys.Modify on the node", async () => {
    const engine = pve();
    const upid: string = await ok(engine, 'POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 'root-task' });
    const auditor = await loginAs(engine, 'auditor@pve', 'auditor');
    const res = await as(engine, auditor, 'DELETE', `/nodes/pve1/tasks/${encodeURIComponent(upid)}`);
    expect(res.status).toBe(403);
    expect(res.message).toBe('Permission check failed (/nodes/pve1, Sys.Modify)');
  });
});
