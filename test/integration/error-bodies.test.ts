/**
 * Error answers as each product sends them, over real HTTPS. PVE and PMG put the message's
 * first line in the reason phrase and the message in a JSON envelope; PBS and PDM
 * (proxmox-rest-server) send the standard reason phrase ("403 Forbidden") and the bare
 * message as the body, parameter errors as `parameter 'name': message` lines. Either way
 * the user gets the server's words in the error, and the errors map.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isAuthenticationError,
  isResourceException,
  ProxmoxSDK,
  type ResourceException,
} from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { account } from './helpers.js';

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe.each(['PBS', 'PDM'] as const)('%s errors (plain-text bodies)', (service) => {
  let sim: RunningSimulator;
  const client = (user: string, password: string) =>
    new ProxmoxSDK({ host: sim.url, fingerprint: sim.fingerprint, service, user, password, retries: 0 });

  beforeAll(async () => {
    sim = await startSimulator({ authFailureDelayMs: 0, service });
  });
  afterAll(() => sim.close());

  it('403: the reason phrase and the message both reach the error', async () => {
    const auditor = account(sim, 'auditor@');
    await using px = client(auditor.userid, auditor.password);
    const error = (await failure(() =>
      px.request('POST /access/users', { userid: 'x@pbs' } as never),
    )) as ResourceException;
    expect(isResourceException(error)).toBe(true);
    expect(error.statusCode).toBe(403);
    expect(error.message).toBe('POST /access/users: 403 Forbidden: permission check failed');
    expect(error.statusMessage).toBe('Forbidden');
    expect(error.content).toBe('permission check failed');
  });

  it('400: parameter errors arrive as the errors map', async () => {
    const root = account(sim, 'root@');
    await using px = client(root.userid, root.password);
    const error = (await failure(() =>
      px.request('POST /access/users', { userid: 'not a user id', expire: 'soon' } as never),
    )) as ResourceException;
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(
      /^POST \/access\/users: 400 Bad Request: parameter verification failed: \(/,
    );
    expect(Object.keys(error.errors ?? {}).sort()).toEqual(['expire', 'userid']);
  });

  it('401: a wrong password is an AuthenticationError', async () => {
    await using px = client('root@pam', 'not-the-password');
    const error = await failure(() => px.version.get());
    expect(isAuthenticationError(error)).toBe(true);
    // The server's reason, from the body, after the standard phrase; never the password.
    expect(error.message).toMatch(/^could not log in as root@pam: 401 Unauthorized: \S/);
    expect(error.message).not.toContain('not-the-password');
  });
});

describe('PVE errors (JSON envelope, message in the reason phrase)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ authFailureDelayMs: 0, service: 'PVE' });
  });
  afterAll(() => sim.close());

  it('403 and 400 keep their shape', async () => {
    const auditor = account(sim, 'auditor@');
    const options = { host: sim.url, fingerprint: sim.fingerprint, retries: 0 };
    await using px = new ProxmoxSDK({ ...options, user: auditor.userid, password: auditor.password });
    const denied = (await failure(() => px.nodes('pve1').qemu(100).status.start.post())) as ResourceException;
    expect(denied.message).toMatch(
      /^POST \/nodes\/pve1\/qemu\/100\/status\/start: 403 Permission check failed \(/,
    );
    const root = account(sim, 'root@');
    await using admin = new ProxmoxSDK({ ...options, user: root.userid, password: root.password });
    const invalid = (await failure(() =>
      admin.request('POST /access/users', { userid: 'not a user id' } as never),
    )) as ResourceException;
    expect(invalid.message).toMatch(/^POST \/access\/users: 400 Parameter verification failed\. \(userid: /);
    expect(Object.keys(invalid.errors ?? {})).toEqual(['userid']);
  });
});
