import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ERROR_CLASSES,
  type ErrorCode,
  InvalidArgumentError,
  isResourceException,
  isTaskFailedError,
  ResourceException,
  TaskFailedError,
} from '../../src/core/errors.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import { createSyncClient, type SyncClient } from '../../src/sync/sync.js';
import { rebuildError, serializeError } from '../../src/sync/sync-channel.js';

const MOCK = { backend: 'mock', user: 'root@pam', password: 'proxmox' } as const;

describe('error transport', () => {
  const samples: Record<ErrorCode, Error> = {
    PROXMOX_ERROR: new ERROR_CLASSES.PROXMOX_ERROR('base', { method: 'GET', path: '/x' }),
    PROXMOX_INVALID_ARGUMENT: new InvalidArgumentError('bad option'),
    PROXMOX_AUTH: new AuthenticationError('no', { statusCode: 401, method: 'POST', path: '/access/ticket' }),
    PROXMOX_RESOURCE: new ResourceException('GET /nodes/x: 500 boom', {
      statusCode: 500,
      statusMessage: 'boom',
      errors: { vmid: 'bad' },
      content: 'boom',
      method: 'GET',
      path: '/nodes/x',
    }),
    PROXMOX_CONNECTION: new ERROR_CLASSES.PROXMOX_CONNECTION('refused', { sent: 'no', certificate: true }),
    PROXMOX_TIMEOUT: new ERROR_CLASSES.PROXMOX_TIMEOUT('slow'),
    PROXMOX_DEADLINE: new ERROR_CLASSES.PROXMOX_DEADLINE('GET /x: deadline of 5 ms reached', {
      method: 'GET',
    }),
    PROXMOX_RESPONSE_TOO_LARGE: new ERROR_CLASSES.PROXMOX_RESPONSE_TOO_LARGE('GET /x: too large', {
      limitBytes: 1024,
      method: 'GET',
    }),
    PROXMOX_TASK_FAILED: new TaskFailedError('task failed: x', {
      upid: 'UPID:a',
      exitStatus: 'x',
      log: ['l1', 'x'],
    }),
    PROXMOX_ABORTED: new ERROR_CLASSES.PROXMOX_ABORTED('stop'),
    PROXMOX_PROPERTY_STRING: new ERROR_CLASSES.PROXMOX_PROPERTY_STRING('duplicate key: model'),
    PROXMOX_GUEST_LOOKUP: new ERROR_CLASSES.PROXMOX_GUEST_LOOKUP("guest 'web' is ambiguous", {
      reason: 'ambiguous',
      matches: [101, 102],
    }),
  };
  it.each(Object.entries(samples))('%s survives structured cloning with its fields', (code, error) => {
    const back = rebuildError(structuredClone(serializeError(error)));
    expect(back).toBeInstanceOf(ERROR_CLASSES[code as ErrorCode]);
    expect(back.constructor).toBe(error.constructor);
    expect((back as unknown as { toJSON(): unknown }).toJSON()).toEqual(
      (error as unknown as { toJSON(): unknown }).toJSON(),
    );
  });
  it('keeps other errors as named Errors', () => {
    const back = rebuildError(serializeError(Object.assign(new TypeError('nope'), { code: 'ERR_X' })));
    expect(back).toMatchObject({ name: 'TypeError', message: 'nope', code: 'ERR_X' });
  });
});

describe('ProxmoxSDK.sync on the mock backend', () => {
  let px: SyncClient;
  beforeAll(() => {
    px = ProxmoxSDK.sync(MOCK);
  });
  afterAll(() => px.close());

  it('answers values, not promises', () => {
    const nodes = px.nodes.get();
    expect(Array.isArray(nodes)).toBe(true);
    expect(nodes.map((n: { node: string }) => n.node)).toContain('pve1');
    expect(px.service).toBe('PVE');
    expect(px.request('GET /nodes/{node}/qemu', { node: 'pve1' }).length).toBeGreaterThan(0);
    expect(px.nodes('pve1').qemu.get({ full: true })).toBeInstanceOf(Array);
  });

  it('throws the same error classes', () => {
    let error: unknown;
    try {
      px.nodes('pve1').qemu(1).status.current.get();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResourceException);
    expect(isResourceException(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 400, errors: { vmid: expect.any(String) } });
  });

  it('waits for tasks: tasks.wait, tasks.log and { wait: true }', () => {
    const upid = px.nodes('pve1').qemu(100).status.stop.post();
    expect(px.tasks.parse(upid)).toMatchObject({ node: 'pve1', type: 'qmstop', id: '100' });
    expect(px.tasks.wait(upid)).toMatchObject({ status: 'stopped', exitstatus: 'OK', warnings: 0 });
    expect(px.tasks.log(upid).at(-1)).toBe('TASK OK');
    expect(px.tasks.status(upid)).toMatchObject({ status: 'stopped' });
    const started = px.nodes('pve1').qemu(100).status.start.post({}, { wait: true });
    expect(started).toMatchObject({ type: 'qmstart', exitstatus: 'OK' });
  });

  it('refuses what cannot cross to the worker', () => {
    expect(() => px.nodes.get({}, { signal: AbortSignal.timeout(10) })).toThrow(InvalidArgumentError);
    expect(() => px.tasks.wait('UPID:x', { onLog: () => {} } as never)).toThrow(/functions cannot be used/);
    expect(() => ProxmoxSDK.sync({ ...MOCK, onTfa: () => '1' })).toThrow(/onTfa/);
  });

  it('checks options before starting a worker', () => {
    expect(() => ProxmoxSDK.sync({ host: 'h' } as never)).toThrow(InvalidArgumentError);
    expect(() => ProxmoxSDK.sync({ ...MOCK, colour: 'red' } as never)).toThrow(/unknown option 'colour'/);
  });
});

describe('lifecycle', () => {
  it('works with `using` and refuses calls after close', () => {
    let kept: SyncClient;
    {
      using px = createSyncClient(MOCK);
      kept = px;
      expect(px.version.get()).toHaveProperty('version');
    }
    expect(() => kept.version.get()).toThrow(/closed/);
    kept.close();
  });

  it('reports a failed login as AuthenticationError', () => {
    const px = ProxmoxSDK.sync({ ...MOCK, password: 'wrong-password' });
    try {
      let error: unknown;
      try {
        px.nodes.get();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(String((error as Error).message)).not.toContain('wrong-password');
      expect(JSON.stringify(error)).not.toContain('wrong-password');
    } finally {
      px.close();
    }
  });

  it('rebuilds TaskFailedError with its log', () => {
    const back = rebuildError(
      serializeError(
        new TaskFailedError('task qmstart 100 failed: boom', {
          upid: 'UPID:x',
          exitStatus: 'boom',
          log: ['a'],
        }),
      ),
    );
    expect(isTaskFailedError(back)).toBe(true);
    expect(back).toMatchObject({ exitStatus: 'boom', log: ['a'], upid: 'UPID:x' });
  });
});

describe('ProxmoxSDK.sync over HTTPS', () => {
  // The simulator runs in a worker thread: this thread blocks during each sync call.
  let worker: Worker;
  let sim: {
    host: string;
    port: number;
    fingerprint: string;
    users: Array<{ userid: string; tokens: Array<{ tokenid: string; value: string }> }>;
  };
  beforeAll(async () => {
    const api = import.meta.resolve?.('tsx/esm/api') ?? 'tsx/esm/api';
    const entry = new URL('../../src/simulator/index.ts', import.meta.url).href;
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })
        .then(({ startSimulator }) => startSimulator({ authFailureDelayMs: 0, service: 'PVE' }))
        .then((s) => parentPort.postMessage({ host: s.host, port: s.port, fingerprint: s.fingerprint, users: s.users }));`;
    worker = new Worker(code, { eval: true });
    sim = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  });
  afterAll(() => worker?.terminate());

  it('lists nodes, raises AuthenticationError for a wrong token, without its secret', () => {
    const token = sim.users
      .find((u) => u.userid === 'automation@pve')!
      .tokens.find((t) => t.tokenid === 'full')!;
    const base = {
      host: `${sim.host}:${sim.port}`,
      fingerprint: sim.fingerprint,
      user: 'automation@pve',
      tokenName: 'full',
    };
    using px = ProxmoxSDK.sync({ ...base, tokenValue: token.value });
    expect(px.nodes.get().map((n: { node: string }) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    const wrong = '00000000-1111-2222-3333-444444444444';
    using bad = ProxmoxSDK.sync({ ...base, tokenValue: wrong });
    let error: unknown;
    try {
      bad.version.get();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(wrong);
  });
});
