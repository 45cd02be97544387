/** The openssh backend (system ssh, multiplexed) against a real sshd. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxOptions } from '../../../src/options/options.js';
import { OpensshTransport } from '../../../src/transports/shell/openssh.js';
import { type Sshd, startSshd } from '../../integration/sshd/fixture.js';
import {
  call,
  cancelOnceRunning,
  data,
  rejection,
  resolved,
  startAgent,
} from '../../integration/sshd/helpers.js';

delete process.env.SSH_AUTH_SOCK;

let sshd: Sshd;
const open: OpensshTransport[] = [];

beforeAll(async () => {
  sshd = await startSshd();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  await sshd?.stop();
});

function openssh(options: Partial<ProxmoxOptions> = {}): OpensshTransport {
  const t = new OpensshTransport(
    resolved({
      backend: 'openssh',
      host: `127.0.0.1:${sshd.port}`,
      user: sshd.user,
      identityFile: sshd.keyFile,
      knownHostsFile: sshd.knownHostsFile,
      ...options,
    } as ProxmoxOptions),
  );
  open.push(t);
  return t;
}

/** ssh processes whose command line names this control directory (the master, mostly). */
function sshProcessesUsing(dir: string): string[] {
  return execFileSync('ps', ['-e', '-o', 'args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('ssh') && l.includes(dir));
}

describe('openssh backend', () => {
  it('logs in with identityFile and shares one master connection across many calls', async () => {
    const t = openssh();
    const before = sshd.connections();
    const first = await call(t, 'GET', '/version');
    expect(data(first)).toMatchObject({ version: expect.any(String) });
    const many = await Promise.all(Array.from({ length: 16 }, () => call(t, 'GET', '/nodes')));
    expect(many.every((r) => r.status === 200)).toBe(true);
    for (let i = 0; i < 5; i++) await call(t, 'GET', '/version');
    expect(sshd.connections() - before).toBe(1);
    expect((sshd.log().match(/Starting session: command/g) ?? []).length).toBeGreaterThanOrEqual(22);
  });

  it('runs at most maxChannels sessions at once on the master', async () => {
    const t = openssh({ maxChannels: 2 });
    await call(t, 'GET', '/version');
    const started = Date.now();
    const sleeps = await Promise.all(
      Array.from({ length: 6 }, () => call(t, 'GET', '/_test/sleep', { ms: 300 })),
    );
    expect(sleeps.every((r) => r.status === 200)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('keeps the control socket in a private directory and removes it with the master on close', async () => {
    const t = openssh();
    await call(t, 'GET', '/version');
    const dir = await t.controlDir!;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(sshProcessesUsing(dir).length).toBeGreaterThan(0);
    await t.close();
    expect(existsSync(dir)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(sshProcessesUsing(dir)).toEqual([]);
    expect((await rejection(call(t, 'GET', '/version'))).code).toBe('PROXMOX_CONNECTION');
  });

  it('refuses unknown and changed host keys; strictHostKeyChecking: false opts out', async () => {
    const empty = join(mkdtempSync(join(sshd.dir, 'kh-')), 'known_hosts');
    writeFileSync(empty, '');
    const unknown = await rejection(call(openssh({ knownHostsFile: empty }), 'GET', '/version'));
    expect(unknown.code).toBe('PROXMOX_CONNECTION');
    expect(unknown.message).toMatch(/refused the host key/);
    const changed = await rejection(
      call(openssh({ knownHostsFile: sshd.wrongKnownHostsFile }), 'GET', '/version'),
    );
    expect(changed.code).toBe('PROXMOX_CONNECTION');
    expect(changed.message).toContain(sshd.hostKeyFingerprint);
    const optOut = openssh({ knownHostsFile: sshd.wrongKnownHostsFile, strictHostKeyChecking: false });
    expect((await call(optOut, 'GET', '/version')).status).toBe(200);
    expect(readFileSync(sshd.wrongKnownHostsFile, 'utf8')).not.toContain(sshd.hostKeyLine);
  });

  it('accepts a pinned hostKey given as a key line, and explains that a fingerprint cannot work', async () => {
    const pinned = openssh({ knownHostsFile: '/nonexistent', hostKey: sshd.hostKeyLine });
    expect((await call(pinned, 'GET', '/version')).status).toBe(200);
    expect(() => openssh({ hostKey: sshd.hostKeyFingerprint })).toThrow(/public key line/);
  });

  it('fails with AuthenticationError for a key sshd does not know (BatchMode: no prompt)', async () => {
    const e = await rejection(call(openssh({ identityFile: sshd.strangerKeyFile }), 'GET', '/version'));
    expect(e.code).toBe('PROXMOX_AUTH');
  });

  it('reads a client config file (-F)', async () => {
    const cfg = join(mkdtempSync(join(sshd.dir, 'cfg-')), 'config');
    writeFileSync(
      cfg,
      `Host pxsdk-alias\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n` +
        `  IdentityFile ${sshd.keyFile}\n  UserKnownHostsFile ${sshd.knownHostsFile}\n`,
    );
    const t = new OpensshTransport(resolved({ backend: 'openssh', host: 'pxsdk-alias', configFile: cfg }));
    open.push(t);
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });

  it('forwards the agent with forwardSshAgent', async () => {
    const agent = await startAgent([sshd.keyFile]);
    try {
      const t = openssh({
        identityFile: undefined,
        agent: agent.socket,
        forwardSshAgent: true,
      } as unknown as Partial<ProxmoxOptions>);
      const env = data(await call(t, 'GET', '/_test/env')) as { sshAuthSock: string | null };
      expect(env.sshAuthSock).toMatch(/^\/tmp\/ssh-/);
      const plain = openssh({ agent: agent.socket });
      expect(data(await call(plain, 'GET', '/_test/env'))).toMatchObject({ sshAuthSock: null });
    } finally {
      agent.stop();
    }
  });

  it('fails fast when sudo -n needs a password', async () => {
    const started = Date.now();
    const e = await rejection(call(openssh({ sudo: true }), 'GET', '/version'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.code).toBe('PROXMOX_AUTH');
    expect(e.message).toMatch(/a password is required/);
  });

  it('passes hostile values unchanged through the remote shell', async () => {
    const marker = `/tmp/pxsdk-pwned-openssh-${process.pid}`;
    const hostile = {
      a: `$(touch ${marker})`,
      b: `'; touch ${marker}; '`,
      c: `\`touch ${marker}\``,
      d: 'x\ny',
      e: ['*', ''],
    };
    const res = await call(openssh(), 'POST', '/_test/argv', hostile);
    expect((data(res) as { params: unknown }).params).toEqual(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it('survives the server dropping the master connection', async () => {
    const t = openssh();
    expect((await call(t, 'GET', '/version')).status).toBe(200);
    sshd.dropSessions();
    await new Promise((r) => setTimeout(r, 300));
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });

  it('times out a call', async () => {
    const e = await rejection(call(openssh(), 'GET', '/_test/sleep', { ms: 10_000 }, { timeout: 800 }));
    expect(e.code).toBe('PROXMOX_TIMEOUT');
  });

  it('has the tool on the host killed through the master when a call is cancelled', async () => {
    const t = openssh();
    const { error, gone } = await cancelOnceRunning(
      (signal, pidfile) => call(t, 'GET', '/_test/sleep', { ms: 20_000, pidfile }, { signal }),
      `/tmp/pxsdk-openssh-sleep-${process.pid}.pid`,
    );
    expect(error.code).toBe('PROXMOX_ABORTED');
    expect(gone).toBe(true);
  });

  it('copies uploads over the master connection into a private file and removes it', async () => {
    const t = openssh();
    const dir = mkdtempSync(join(sshd.dir, 'up-'));
    const file = join(dir, 'os.iso');
    writeFileSync(file, 'OPENSSH ISO');
    const upload = { field: 'filename', fileName: 'os.iso', localPath: file, size: 11 };
    const res = await call(t, 'POST', '/nodes/pve1/storage/local/upload', { content: 'iso' }, { upload });
    expect(data(res)).toMatch(/^UPID:pve1:/);
    const seen = sshd.state.uploads.at(-1)!;
    expect(seen).toMatchObject({ mode: 0o600, content: 'OPENSSH ISO' });
    expect(existsSync(seen.tmpfilename)).toBe(false);
    const failed = await call(
      t,
      'POST',
      '/nodes/pve1/storage/local/upload',
      { content: 'iso' },
      {
        upload: { ...upload, fileName: 'os.txt' },
      },
    );
    expect(failed.status).toBe(400);
    expect(existsSync(sshd.state.uploads.at(-1)!.tmpfilename)).toBe(false);
  });
});

describe('openssh backend: upload interruptions', () => {
  it('aborts an upload mid-copy', async () => {
    const t = openssh();
    const dir = mkdtempSync(join(sshd.dir, 'up-'));
    const file = join(dir, 'big.iso');
    writeFileSync(file, Buffer.alloc(4 << 20, 1));
    const ctl = new AbortController();
    const upload = {
      field: 'filename',
      fileName: 'big.iso',
      localPath: file,
      size: 4 << 20,
      onProgress: () => ctl.abort(),
    };
    const e = await rejection(
      call(t, 'POST', '/nodes/pve1/storage/local/upload', { content: 'iso' }, { upload, signal: ctl.signal }),
    );
    expect(e.code).toBe('PROXMOX_ABORTED');
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });
});

describe('openssh backend: lifetime', () => {
  it('leaves nothing behind: the process exits after close()', async () => {
    const script = join(process.cwd(), 'test/integration/sshd/exit-check.ts');
    const options = {
      backend: 'openssh',
      host: `127.0.0.1:${sshd.port}`,
      user: sshd.user,
      identityFile: sshd.keyFile,
      knownHostsFile: sshd.knownHostsFile,
    };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, JSON.stringify(options)],
      {
        timeout: 15_000,
      },
    );
    expect(stdout.trim()).toBe('status 200');
    // The master it started is gone too: no ssh process holds a pxsdk-ssh- control path.
    await new Promise((r) => setTimeout(r, 200));
    expect(
      execFileSync('ps', ['-e', '-o', 'args='], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.startsWith('ssh') && l.includes(`-p ${sshd.port}`) && l.includes('pxsdk-ssh-')),
    ).toEqual([]);
  });
});
