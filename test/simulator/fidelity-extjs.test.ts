/**
 * The `/api2/extjs/` output format (issue 14 item 13), as Proxmox's GUI uses it: every API
 * answer is a 200 and the outcome is in `success` and `status`. Each test names the source
 * it follows; docs/simulator.md keeps the table.
 */
import { describe, expect, it } from 'vitest';
import { SimulatorEngine } from '../../src/simulator/index.js';
import { type Caller, jsonOf, loginAs } from './engine-helpers.js';

const pve = () => new SimulatorEngine({ taskDurationMs: 1000 });
const pbs = () => new SimulatorEngine({ service: 'PBS', taskDurationMs: 1000 });

async function call(
  engine: SimulatorEngine,
  caller: Caller | undefined,
  method: string,
  url: string,
  form?: Record<string, string>,
) {
  const headers: Record<string, string> = { ...caller?.headers };
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await engine.handle({
    method,
    url,
    headers,
    ...(form ? { body: Buffer.from(new URLSearchParams(form).toString()) } : {}),
  });
  const text = String(res.body);
  const json = jsonOf(text);
  return { status: res.status, statusText: res.statusText, headers: res.headers, text, json };
}

describe('PVE /api2/extjs (pve-http-server Formatter/Standard.pm prepare_response_data)', () => {
  it('a success carries success 1 beside data', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await call(engine, root, 'GET', '/api2/extjs/version');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.json.success).toBe(1);
    expect(res.json.data.release).toBeTypeOf('string');
    expect(res.json).not.toHaveProperty('status');
  });

  it('a parameter error is a 200 with success 0, the real status, message and errors', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await call(engine, root, 'GET', '/api2/extjs/nodes/pve1/qemu?full=yes');
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(res.json).toEqual({
      data: null,
      success: 0,
      status: 400,
      message: 'Parameter verification failed.\n',
      errors: { full: "type check ('boolean') failed - got 'yes'" },
    });
  });

  it('a permission refusal is a 200 with status 403 and no errors key', async () => {
    const engine = pve();
    const user = await loginAs(engine, 'auditor@pve', 'auditor');
    const res = await call(engine, user, 'POST', '/api2/extjs/nodes/pve1/qemu', { vmid: '4200' });
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(0);
    expect(res.json.status).toBe(403);
    expect(res.json.message).toMatch(/^Permission check failed/);
    expect(res.json).not.toHaveProperty('errors');
  });

  it('a failed login is a 200 with status 401 (the GUI logs in over extjs), still delayed', async () => {
    const engine = new SimulatorEngine({ authFailureDelayMs: 150 });
    const started = Date.now();
    const res = await call(engine, undefined, 'POST', '/api2/extjs/access/ticket', {
      username: 'root@pam',
      password: 'wrong',
    });
    // AnyEvent.pm handle_api2_request takes the delay from the call's status, before formatting.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: null, success: 0, status: 401, message: 'authentication failure\n' });
    expect(res.text).not.toContain('wrong');
  });

  it('the auth layer bypasses the formatter: a missing ticket stays a bare 401', async () => {
    // AnyEvent.pm authenticate_and_handle_request answers auth_handler's die itself.
    const res = await call(pve(), undefined, 'GET', '/api2/extjs/nodes');
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });

  it('an unknown format is 501 after auth; a malformed one 501 before it (AnyEvent.pm)', async () => {
    const engine = pve();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const unknown = await call(engine, root, 'GET', '/api2/xml/nodes');
    expect(unknown.status).toBe(501);
    expect(unknown.text).toBe('no formatter for uri /nodes, xml');
    expect((await call(engine, undefined, 'GET', '/api2/xml/nodes')).status).toBe(401);
    const malformed = await call(engine, undefined, 'GET', '/api2/X/nodes');
    expect(malformed.status).toBe(501);
    expect(malformed.text).toBe('no such uri');
  });
});

describe('PBS /api2/extjs (proxmox-rest-server formatter.rs ExtJsFormatter)', () => {
  it('format_data: success true and status 200 beside data', async () => {
    const engine = pbs();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await call(engine, root, 'GET', '/api2/extjs/version');
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(true);
    expect(res.json.status).toBe(200);
    expect(res.json.data.version).toBeTypeOf('string');
  });

  it('format_error: a parameter error lists each parameter under a fixed message', async () => {
    const engine = pbs();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await call(engine, root, 'GET', '/api2/extjs/nodes/localhost/tasks?errors=maybe');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      success: false,
      status: 400,
      message: 'parameter verification errors',
      errors: { errors: 'Unable to parse boolean option.' },
    });
  });

  it('rest.rs Formatted::handle_request: an unknown path is formatted, with its full path', async () => {
    const engine = pbs();
    const root = await loginAs(engine, 'root@pam', 'proxmox');
    const res = await call(engine, root, 'GET', '/api2/extjs/no/such/path');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      success: false,
      status: 404,
      message: "Path '/api2/extjs/no/such/path' not found.",
      errors: {},
    });
  });

  it('rest.rs Formatted::handle_request: a failed auth is not formatted (a plain 401)', async () => {
    const res = await call(pbs(), undefined, 'GET', '/api2/extjs/nodes');
    expect(res.status).toBe(401);
  });

  it('rest.rs Formatted::handle_request: an unknown format is 400 before auth', async () => {
    const res = await call(pbs(), undefined, 'GET', '/api2/xml/nodes');
    expect(res.status).toBe(400);
    expect(res.text).toBe("Unsupported output format 'xml'.");
  });
});
