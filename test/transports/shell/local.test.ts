/** The local backend with the stand-in tools on PATH (no shell between us and the tool). */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../src/transports/shell/local.js';
import { call, cancelOnceRunning, data, rejection, resolved } from '../../integration/sshd/helpers.js';
import { installStandIns } from '../../integration/sshd/stand-ins.js';
import type { StateServer } from '../../integration/sshd/state-server.js';

let dir: string;
let state: StateServer;
let binDir: string;
const PATH = process.env.PATH;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pxsdk-local-'));
  ({ binDir, state } = await installStandIns(dir));
  process.env.PATH = `${binDir}:${PATH}`;
});
afterAll(async () => {
  process.env.PATH = PATH;
  await state?.close();
  rmSync(dir, { recursive: true, force: true });
});

const local = (options: Record<string, unknown> = {}) =>
  new LocalTransport(resolved({ backend: 'local', ...options }));

describe('local backend', () => {
  it('runs pvesh, pmgsh and proxmox-backup-debug from PATH', async () => {
    for (const service of ['PVE', 'PMG', 'PBS'] as const) {
      const res = await call(local({ service }), 'GET', '/version');
      expect(res.status, service).toBe(200);
      expect(data(res)).toMatchObject({ version: expect.any(String) });
    }
    expect(state.calls.slice(-3).map((c) => c.service)).toEqual(['PVE', 'PMG', 'PBS']);
  });

  it('passes hostile values as argv, unchanged', async () => {
    const hostile = { a: '$(id) `id` ; id', b: '\'"\n*', c: ['-x', '--y', ''] };
    const res = await call(local(), 'POST', '/_test/argv', hostile);
    expect((data(res) as { params: unknown }).params).toEqual(hostile);
  });

  it('runs at most maxChannels tools at once; waiting counts against the timeout', async () => {
    const t = local({ maxChannels: 2 });
    const started = Date.now();
    const sleeps = await Promise.all(
      Array.from({ length: 4 }, () => call(t, 'GET', '/_test/sleep', { ms: 300 })),
    );
    expect(sleeps.every((r) => r.status === 200)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const busy = call(t, 'GET', '/_test/sleep', { ms: 1500 });
    const busy2 = call(t, 'GET', '/_test/sleep', { ms: 1500 });
    const e = await rejection(call(t, 'GET', '/version', {}, { timeout: 300 }));
    expect(e.code).toBe('PROXMOX_TIMEOUT');
    expect(e.message).toMatch(/waiting for a free slot/);
    await Promise.all([busy, busy2]);
  });

  it('keeps stderr warnings of a successful call as warnings', async () => {
    const res = await call(local(), 'GET', '/_test/warn');
    expect(res.status).toBe(200);
    expect(data(res)).toEqual({ ok: 1 });
    expect(res.headers['x-shell-stderr']).toMatch(/WARN/);
  });

  it('maps pvesh errors to statuses and parameter errors', async () => {
    const bad = await call(local(), 'POST', '/nodes/pve1/qemu', { vmid: 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ data: null, errors: { vmid: expect.any(String) } });
    const missing = await call(local(), 'GET', '/nodes/pve1/qemu/99999/config');
    expect(missing.status).toBe(500);
    expect((missing.body as { message: string }).message).toMatch(/99999/);
  });

  it('times out a call with TimeoutError', async () => {
    const started = Date.now();
    const e = await rejection(call(local(), 'GET', '/_test/sleep', { ms: 10_000 }, { timeout: 500 }));
    expect(e.code).toBe('PROXMOX_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('kills the running tool (TERM, then KILL) when the call is cancelled', async () => {
    const { error, gone } = await cancelOnceRunning(
      (signal, pidfile) => call(local(), 'GET', '/_test/sleep', { ms: 20_000, pidfile }, { signal }),
      join(dir, 'sleep.pid'),
    );
    expect(error.code).toBe('PROXMOX_ABORTED');
    expect(gone).toBe(true);
  });

  it('fails fast with a clear error when sudo -n needs a password', async () => {
    const fake = mkdtempSync(join(tmpdir(), 'pxsdk-sudo-'));
    // What sudo prints for a user without NOPASSWD when -n forbids the prompt.
    writeFileSync(join(fake, 'sudo'), '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n');
    chmodSync(join(fake, 'sudo'), 0o755);
    process.env.PATH = `${fake}:${binDir}:${PATH}`;
    try {
      const e = await rejection(call(local({ sudo: true }), 'GET', '/version'));
      expect(e.code).toBe('PROXMOX_AUTH');
      expect(e.message).toMatch(/sudo -n refused to run pvesh on localhost \(sudo: a password is required\)/);
      // A sudo that lets us through runs the tool with the same argv.
      writeFileSync(
        join(fake, 'sudo'),
        '#!/bin/sh\n[ "$1" = -n ] && [ "$2" = -- ] || exit 3\nshift 2\nexec "$@"\n',
      );
      expect((await call(local({ sudo: true }), 'GET', '/version')).status).toBe(200);
    } finally {
      process.env.PATH = `${binDir}:${PATH}`;
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('says so when the tool is not installed', async () => {
    process.env.PATH = '/nonexistent';
    try {
      const e = await rejection(call(local(), 'GET', '/version'));
      expect(e.code).toBe('PROXMOX_CONNECTION');
      expect(e.message).toMatch(/pvesh is not installed here/);
    } finally {
      process.env.PATH = `${binDir}:${PATH}`;
    }
  });

  it('refuses PDM, which has no shell', async () => {
    const e = await rejection(call(local({ service: 'PDM' }), 'GET', '/version'));
    expect(e.code).toBe('PROXMOX_INVALID_ARGUMENT');
  });

  it('stages uploads privately in /var/tmp and removes them', async () => {
    const file = join(dir, 'small.iso');
    writeFileSync(file, 'LOCAL ISO');
    const upload = { field: 'filename', fileName: 'small.iso', localPath: file, size: 9 };
    const res = await call(
      local(),
      'POST',
      '/nodes/pve1/storage/local/upload',
      { content: 'iso' },
      { upload },
    );
    expect(data(res)).toMatch(/^UPID:pve1:/);
    const seen = state.uploads.at(-1)!;
    expect(seen).toMatchObject({ mode: 0o600, content: 'LOCAL ISO' });
    expect(existsSync(seen.tmpfilename)).toBe(false);
    const failed = await call(
      local(),
      'POST',
      '/nodes/pve1/storage/local/upload',
      { content: 'iso' },
      {
        upload: { ...upload, fileName: 'small.txt' },
      },
    );
    expect(failed.status).toBe(400);
    expect(existsSync(state.uploads.at(-1)!.tmpfilename)).toBe(false);
  });
});

describe('local backend: upload interruptions', () => {
  it('aborts an upload mid-copy and leaves no staged file', async () => {
    const big = join(dir, 'big.iso');
    writeFileSync(big, Buffer.alloc(8 * 1024 * 1024, 1));
    const mine = () =>
      readdirSync('/var/tmp').filter(
        (f) => f.startsWith('pveupload-') && statSync(`/var/tmp/${f}`).uid === 0,
      );
    const before = new Set(mine());
    const ctl = new AbortController();
    const upload = {
      field: 'filename',
      fileName: 'big.iso',
      localPath: big,
      size: 8 << 20,
      onProgress: () => ctl.abort(),
    };
    const e = await rejection(
      call(
        local(),
        'POST',
        '/nodes/pve1/storage/local/upload',
        { content: 'iso' },
        { upload, signal: ctl.signal },
      ),
    );
    expect(e.code).toBe('PROXMOX_ABORTED');
    expect(mine().filter((f) => !before.has(f))).toEqual([]);
  });
});

describe('local backend: lifetime and services', () => {
  it('leaves nothing behind: the process exits after close()', async () => {
    const script = join(process.cwd(), 'test/integration/sshd/exit-check.ts');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, '{"backend":"local"}'],
      {
        timeout: 15_000,
      },
    );
    expect(stdout.trim()).toBe('status 200');
  });

  it('gives PBS GNU-style --key options and pmgsh no output flag', async () => {
    const pbs = await call(local({ service: 'PBS' }), 'POST', '/_test/argv', { store: 'ds1', verbose: true });
    expect((data(pbs) as { argv: string[] }).argv).toEqual([
      'api',
      'create',
      '/_test/argv',
      '--store',
      'ds1',
      '--verbose',
      '1',
      '--output-format',
      'json',
    ]);
    const pmg = await call(local({ service: 'PMG' }), 'GET', '/_test/argv', { x: 1 });
    expect((data(pmg) as { argv: string[] }).argv).toEqual(['get', '/_test/argv', '-x', '1']);
  });
});
