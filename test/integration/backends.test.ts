/**
 * One behavioural suite, every backend: the same calls through `new ProxmoxSDK(...)` must
 * give the same results over https (the simulator's HTTPS server), mock (in process), ssh
 * and openssh (a real sshd with stand-in pvesh) and local (the stand-ins on PATH).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxOptions } from '../../src/options/options.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import { type RunningSimulator, SimulatorEngine, startSimulator } from '../../src/simulator/index.js';
import { type Sshd, startSshd } from './sshd/fixture.js';

delete process.env.SSH_AUTH_SOCK;

let sshd: Sshd;
let sim: RunningSimulator;
let files: string;
const PATH = process.env.PATH;

const ROOT_PASSWORD = 'proxmox'; // the simulator's demo root@pam

beforeAll(async () => {
  [sshd, sim] = await Promise.all([startSshd(), startSimulator({ service: 'PVE', taskDurationMs: 150 })]);
  // `local` runs the same stand-ins as the sshd sessions, so it shares their simulated host.
  process.env.PATH = `${sshd.binDir}:${PATH}`;
  files = mkdtempSync(join(tmpdir(), 'pxsdk-suite-'));
});
afterAll(async () => {
  process.env.PATH = PATH;
  await Promise.all([sshd?.stop(), sim?.close()]);
  rmSync(files, { recursive: true, force: true });
});

type Backend = 'https' | 'mock' | 'ssh' | 'openssh' | 'local';
const BACKENDS: Backend[] = ['https', 'mock', 'ssh', 'openssh', 'local'];

function options(backend: Backend): ProxmoxOptions {
  switch (backend) {
    case 'https':
      return {
        host: `${sim.host}:${sim.port}`,
        fingerprint: sim.fingerprint,
        user: 'root@pam',
        password: ROOT_PASSWORD,
      };
    case 'mock':
      return {
        backend: 'mock',
        user: 'root@pam',
        password: ROOT_PASSWORD,
        engine: new SimulatorEngine({ service: 'PVE', taskDurationMs: 150 }),
      };
    case 'ssh':
      return {
        backend: 'ssh',
        host: `127.0.0.1:${sshd.port}`,
        user: sshd.user,
        privateKeyFile: sshd.keyFile,
        knownHostsFile: sshd.knownHostsFile,
      };
    case 'openssh':
      return {
        backend: 'openssh',
        host: `127.0.0.1:${sshd.port}`,
        user: sshd.user,
        identityFile: sshd.keyFile,
        knownHostsFile: sshd.knownHostsFile,
      };
    case 'local':
      return { backend: 'local' };
  }
}

/** What each backend produced, compared across backends at the end. */
const seen = new Map<string, Map<Backend, unknown>>();
function record(what: string, backend: Backend, value: unknown) {
  if (!seen.has(what)) seen.set(what, new Map());
  seen.get(what)!.set(backend, value);
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; statusCode?: number; errors?: Record<string, string>; message: string };
    return err;
  }
  throw new Error('expected the call to fail');
}

// A distinct VM id per backend: ssh, openssh and local share one simulated host.
const VMID: Record<Backend, number> = { https: 901, mock: 902, ssh: 903, openssh: 904, local: 905 };

describe.each(BACKENDS)('backend %s', (backend) => {
  let px: ReturnType<typeof client>;
  const client = () => new ProxmoxSDK(options(backend));

  beforeAll(() => {
    px = client();
  });
  afterAll(async () => {
    await px?.close();
  });

  it('lists nodes (fluent and by route)', async () => {
    const nodes = (await px.nodes.get()) as Array<{ node: string; status: string }>;
    const names = nodes.map((n) => n.node).sort();
    expect(names).toEqual(['pve1', 'pve2', 'pve3']);
    // Same list by route; cpu and memory figures move between calls, so compare names.
    const byRoute = (await px.request('GET /nodes')) as Array<{ node: string }>;
    expect(byRoute.map((n) => n.node).sort()).toEqual(names);
    record('nodes', backend, names);
    const version = (await px.request('GET /version')) as { release: string };
    record('release', backend, version.release);
  });

  it('creates a VM: a UPID, then the task is followed to its end by polling its status', async () => {
    const upid = (await px
      .nodes('pve1')
      .qemu.post({ vmid: VMID[backend], name: `suite-${backend}`, memory: 512 })) as string;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:\d+:root@pam:$/);
    const done = await px.tasks.wait(upid, { timeout: 20_000 });
    expect(done).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    const config = (await px.nodes('pve1').qemu(VMID[backend]).config.get()) as {
      name: string;
      memory: unknown;
    };
    expect(config.name).toBe(`suite-${backend}`);
    record('created', backend, {
      status: done.status,
      exitstatus: done.exitstatus,
      memory: String(config.memory),
    });
  });

  it('fails with 400 and per-parameter errors', async () => {
    const e = await failure(px.nodes('pve1').qemu.post({ vmid: 'not-a-number', memory: 512 }));
    expect(e.code).toBe('PROXMOX_RESOURCE');
    expect(e.statusCode).toBe(400);
    expect(Object.keys(e.errors ?? {})).toContain('vmid');
    record('400', backend, { status: e.statusCode, keys: Object.keys(e.errors ?? {}).sort() });
  });

  it('reports a missing VM and an unknown path with the server status', async () => {
    const missing = await failure(px.nodes('pve1').qemu(99_999).config.get());
    expect(missing.code).toBe('PROXMOX_RESOURCE');
    expect(missing.message).toContain('99999');
    const unknown = await failure(px.request('GET /nodes/pve1/no-such-thing'));
    expect(unknown.code).toBe('PROXMOX_RESOURCE');
    record('errors', backend, { missing: missing.statusCode, unknown: unknown.statusCode });
  });

  it('uploads a file to storage and waits for the copy task', async () => {
    const file = join(files, `${backend}.iso`);
    writeFileSync(file, `ISO for ${backend}`);
    const result = await px.files.upload({ node: 'pve1', storage: 'local', content: 'iso', file });
    expect(result.upid).toMatch(/^UPID:pve1:/);
    expect(result.volid).toBe(`local:iso/${backend}.iso`);
    expect(result.task).toMatchObject({ exitstatus: 'OK' });
    record('upload', backend, {
      exitstatus: (result.task as { exitstatus?: string } | undefined)?.exitstatus,
    });
    // Issue 15.9: the volume id's `/` travels as the rest of the path on every backend
    // (pve-storage Status.pm mounts Content.pm with fragmentDelimiter '').
    const volume = (await px.nodes('pve1').storage('local').content(result.volid).get()) as {
      path: string;
    };
    expect(volume.path).toMatch(new RegExp(`/iso/${backend}\\.iso$`));
  });

  it('refuses an id containing / before sending, as pveproxy would split it (issue 15.9)', async () => {
    const e = await failure((px as any).nodes('pve1/qemu').get());
    expect(e.code).toBe('PROXMOX_INVALID_ARGUMENT');
    expect(e.message).toContain("'pve1/qemu'");
    record('slash id', backend, e.code);
  });
});

describe('every backend', () => {
  it('gave the same results', () => {
    for (const [what, byBackend] of seen) {
      const first = byBackend.get(BACKENDS[0]!);
      for (const backend of BACKENDS)
        expect(byBackend.get(backend), `${what} over ${backend}`).toEqual(first);
    }
    expect([...seen.keys()].sort()).toEqual([
      '400',
      'created',
      'errors',
      'nodes',
      'release',
      'slash id',
      'upload',
    ]);
  });
});
