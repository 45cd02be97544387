/** The ssh2 backend against a real sshd (test/integration/sshd). */
import { execFile, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxOptions } from '../../../src/options/options.js';
import { createTransport } from '../../../src/transports/create.js';
import { ChannelLimiter } from '../../../src/transports/shell/channel-limiter.js';
import {
  checkHostKey,
  entryMatches,
  fingerprint,
  knownHostsName,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../../src/transports/ssh/host-key.js';
import { SshTransport, sshPort, sshUser } from '../../../src/transports/ssh/ssh.js';
import { KEY_PASSPHRASE, type Sshd, startSshd } from '../../integration/sshd/fixture.js';
import {
  call,
  cancelOnceRunning,
  data,
  rejection,
  resolved,
  startAgent,
} from '../../integration/sshd/helpers.js';

// Only what each test passes: no agent from the environment.
delete process.env.SSH_AUTH_SOCK;

let sshd: Sshd;
const open: SshTransport[] = [];

beforeAll(async () => {
  sshd = await startSshd();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  await sshd?.stop();
});

function ssh(options: Partial<ProxmoxOptions> = {}, port = sshd.port): SshTransport {
  const t = new SshTransport(
    resolved({
      backend: 'ssh',
      host: `127.0.0.1:${port}`,
      user: sshd.user,
      knownHostsFile: sshd.knownHostsFile,
      ...options,
    } as ProxmoxOptions),
  );
  open.push(t);
  return t;
}

const secrets = () => [sshd.password, KEY_PASSPHRASE, 'wrong-password-123', 'wrong passphrase 456'];
function expectNoSecret(e: Error) {
  const text = `${e.message} ${JSON.stringify(e)} ${String(e.stack)}`;
  for (const s of secrets()) expect(text).not.toContain(s);
}

describe('ssh backend: authentication', () => {
  it('logs in with a private key file', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const res = await call(t, 'GET', '/version');
    expect(res.status).toBe(200);
    expect(data(res)).toMatchObject({ release: expect.any(String) });
  });

  it('logs in with a passphrase-protected key, and says clearly when the passphrase is wrong', async () => {
    expect(
      (
        await call(
          ssh({ privateKeyFile: sshd.encryptedKeyFile, passphrase: KEY_PASSPHRASE }),
          'GET',
          '/version',
        )
      ).status,
    ).toBe(200);
    const e = await rejection(
      call(
        ssh({ privateKeyFile: sshd.encryptedKeyFile, passphrase: 'wrong passphrase 456' }),
        'GET',
        '/version',
      ),
    );
    expect(e.code).toBe('PROXMOX_AUTH');
    expect(e.message).toMatch(/passphrase does not open it/);
    expectNoSecret(e);
    const missing = await rejection(call(ssh({ privateKeyFile: sshd.encryptedKeyFile }), 'GET', '/version'));
    expect(missing.message).toMatch(/no passphrase was given/);
  });

  it('logs in with a password, and fails with AuthenticationError without echoing it', async () => {
    expect((await call(ssh({ password: sshd.password }), 'GET', '/version')).status).toBe(200);
    const e = await rejection(call(ssh({ password: 'wrong-password-123' }), 'GET', '/version'));
    expect(e.code).toBe('PROXMOX_AUTH');
    expect(e.message).toMatch(
      /authentication failed for pxsdk-test@127\.0\.0\.1:\d+ \(tried: password, keyboard-interactive\)/,
    );
    expectNoSecret(e);
  });

  it('answers keyboard-interactive (PAM) prompts with the password', async () => {
    const t = ssh({ password: sshd.password }, sshd.kbdPort);
    expect((await call(t, 'GET', '/version')).status).toBe(200);
    expect(sshd.log()).toMatch(/Accepted keyboard-interactive\/pam for pxsdk-test/);
  });

  it('uses an ssh agent, and forwards it only when asked', async () => {
    const agent = await startAgent([sshd.keyFile]);
    try {
      const plain = ssh({ agent: agent.socket });
      expect(data(await call(plain, 'GET', '/_test/env'))).toMatchObject({ sshAuthSock: null });
      const forwarding = ssh({ agent: agent.socket, forwardSshAgent: true });
      const env = data(await call(forwarding, 'GET', '/_test/env')) as { sshAuthSock: string | null };
      expect(env.sshAuthSock).toMatch(/^\/tmp\/ssh-/);
    } finally {
      agent.stop();
    }
  });

  it('refuses a key sshd does not know', async () => {
    const e = await rejection(call(ssh({ privateKeyFile: sshd.strangerKeyFile }), 'GET', '/version'));
    expect(e.code).toBe('PROXMOX_AUTH');
    expect(e.message).toContain('publickey');
  });
});

describe('ssh backend: host keys', () => {
  it('refuses an unknown host key, naming its fingerprint', async () => {
    const empty = join(mkdtempSync(join(sshd.dir, 'kh-')), 'known_hosts');
    writeFileSync(empty, '');
    const e = await rejection(
      call(ssh({ privateKeyFile: sshd.keyFile, knownHostsFile: empty }), 'GET', '/version'),
    );
    expect(e.code).toBe('PROXMOX_CONNECTION');
    expect(e.message).toContain(sshd.hostKeyFingerprint);
    expect(e.message).toMatch(/not known/);
  });

  it('refuses a changed host key, naming both fingerprints', async () => {
    const e = await rejection(
      call(
        ssh({ privateKeyFile: sshd.keyFile, knownHostsFile: sshd.wrongKnownHostsFile }),
        'GET',
        '/version',
      ),
    );
    expect(e.code).toBe('PROXMOX_CONNECTION');
    expect(e.message).toMatch(/HOST KEY CHANGED/);
    expect(e.message).toContain(sshd.hostKeyFingerprint);
  });

  it('accepts a changed or unknown key when strictHostKeyChecking is off', async () => {
    const t = ssh({
      privateKeyFile: sshd.keyFile,
      knownHostsFile: sshd.wrongKnownHostsFile,
      strictHostKeyChecking: false,
    });
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });

  it('checks hashed known_hosts entries', async () => {
    const dir = mkdtempSync(join(sshd.dir, 'kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyLine}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(execFileSync('cat', [file], { encoding: 'utf8' })).toMatch(/^\|1\|/);
    expect(
      (await call(ssh({ privateKeyFile: sshd.keyFile, knownHostsFile: file }), 'GET', '/version')).status,
    ).toBe(200);
  });

  it('checks a pinned hostKey fingerprint or key line', async () => {
    const none = '/nonexistent/known_hosts';
    const byFp = ssh({
      privateKeyFile: sshd.keyFile,
      knownHostsFile: none,
      hostKey: sshd.hostKeyFingerprint,
    });
    expect((await call(byFp, 'GET', '/version')).status).toBe(200);
    const byLine = ssh({ privateKeyFile: sshd.keyFile, knownHostsFile: none, hostKey: sshd.hostKeyLine });
    expect((await call(byLine, 'GET', '/version')).status).toBe(200);
    const wrong = ssh({
      privateKeyFile: sshd.keyFile,
      hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    const e = await rejection(call(wrong, 'GET', '/version'));
    expect(e.message).toContain(sshd.hostKeyFingerprint);
  });
});

describe('ssh backend: calls', () => {
  it('runs many calls at once on one connection, at most maxChannels at a time', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile, maxChannels: 3 });
    const before = sshd.connections();
    const results = await Promise.all(Array.from({ length: 12 }, () => call(t, 'GET', '/version')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(t.connection.connects).toBe(1);
    expect(sshd.connections() - before).toBe(1);
    const started = Date.now();
    let peak = 0;
    const sleeps = Array.from({ length: 6 }, () => call(t, 'GET', '/_test/sleep', { ms: 300 }));
    const probe = setInterval(() => {
      peak = Math.max(peak, t.connection.limiter.active);
    }, 10);
    await Promise.all(sleeps);
    clearInterval(probe);
    expect(peak).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('reports channels refused by sshd (MaxSessions) without breaking the connection', async () => {
    const t = ssh({ password: sshd.password, maxChannels: 4 }, sshd.kbdPort);
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => call(t, 'GET', '/_test/sleep', { ms: 400 })),
    );
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(refused).toHaveLength(2);
    expect(refused[0].message).toMatch(/refused another channel .*maxChannels below its MaxSessions/);
    expect((await call(t, 'GET', '/version')).status).toBe(200);
    expect(t.connection.connects).toBe(1);
  });

  it('fails fast and clearly when sudo -n needs a password', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile, sudo: true });
    const started = Date.now();
    const e = await rejection(call(t, 'GET', '/version'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.code).toBe('PROXMOX_AUTH');
    expect(e.message).toMatch(/sudo -n refused to run pvesh .*a password is required/);
  });

  it('passes hostile values to the tool unchanged and runs nothing', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const marker = `/tmp/pxsdk-pwned-${process.pid}`;
    const hostile = {
      space: 'a b  c',
      quote: `it's "quoted"`,
      semi: `; touch ${marker}`,
      subst: `$(touch ${marker})`,
      tick: `\`touch ${marker}\``,
      newline: `x\ntouch ${marker}`,
      glob: '*',
      dollar: '$HOME $PATH',
      backslash: '\\n\\',
      dash: '-output-format',
      empty: '',
      list: ['a;b', "c'd", '$(e)'],
    };
    const res = await call(t, 'POST', '/_test/argv', hostile);
    expect((data(res) as { params: unknown }).params).toEqual(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it('reconnects after the server drops the connection', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    expect((await call(t, 'GET', '/version')).status).toBe(200);
    sshd.dropSessions();
    // No pause: the next call may find the dead connection before ssh2 noticed it.
    expect((await call(t, 'GET', '/version')).status).toBe(200);
    expect(t.connection.connects).toBe(2);
  });

  it('fails a call that was running when the connection dropped, then works again', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const running = call(t, 'GET', '/_test/sleep', { ms: 3000 });
    await new Promise((r) => setTimeout(r, 500));
    sshd.dropSessions();
    const e = await rejection(running);
    expect(e.code).toBe('PROXMOX_CONNECTION');
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });

  it('times out a call and stays usable', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const started = Date.now();
    const e = await rejection(call(t, 'GET', '/_test/sleep', { ms: 10_000 }, { timeout: 600 }));
    expect(e.code).toBe('PROXMOX_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });

  it('signals the tool on the host when a call is cancelled', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const { error, gone } = await cancelOnceRunning(
      (signal, pidfile) => call(t, 'GET', '/_test/sleep', { ms: 20_000, pidfile }, { signal }),
      `/tmp/pxsdk-ssh-sleep-${process.pid}.pid`,
    );
    expect(error.code).toBe('PROXMOX_ABORTED');
    expect(gone).toBe(true);
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });

  it('times out the connection attempt', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const e = await rejection(
        call(ssh({ privateKeyFile: sshd.keyFile, connectTimeout: 500 }, port), 'GET', '/version'),
      );
      expect(e.code).toBe('PROXMOX_TIMEOUT');
    } finally {
      silent.close();
    }
  });

  it('reports a closed transport', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    await call(t, 'GET', '/version');
    await t.close();
    const e = await rejection(call(t, 'GET', '/version'));
    expect(e.code).toBe('PROXMOX_CONNECTION');
  });
});

describe('ssh backend: uploads', () => {
  function localFile(name: string, text: string) {
    const dir = mkdtempSync(join(sshd.dir, 'up-'));
    const path = join(dir, name);
    writeFileSync(path, text);
    return { field: 'filename', fileName: name, localPath: path, size: Buffer.byteLength(text) };
  }

  it('copies the file to a private temp path, passes it to pvesh, removes it', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const progress: number[] = [];
    const part = { ...localFile('tiny.iso', 'ISO CONTENT'), onProgress: (n: number) => progress.push(n) };
    const res = await call(
      t,
      'POST',
      '/nodes/pve1/storage/local/upload',
      { content: 'iso' },
      { upload: part },
    );
    expect(res.status).toBe(200);
    expect(data(res)).toMatch(/^UPID:pve1:.*:imgcopy:/);
    const seen = sshd.state.uploads.at(-1)!;
    expect(seen.tmpfilename).toMatch(/^\/var\/tmp\/pveupload-[0-9a-f]{32}$/);
    expect(seen.mode).toBe(0o600);
    expect(seen.content).toBe('ISO CONTENT');
    expect(existsSync(seen.tmpfilename)).toBe(false);
    expect(progress.at(-1)).toBe(11);
  });

  it('aborts an upload mid-copy', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const big = localFile('big.iso', 'x'.repeat(4 << 20));
    const ctl = new AbortController();
    const upload = { ...big, onProgress: () => ctl.abort() };
    const e = await rejection(
      call(t, 'POST', '/nodes/pve1/storage/local/upload', { content: 'iso' }, { upload, signal: ctl.signal }),
    );
    expect(e.code).toBe('PROXMOX_ABORTED');
    expect((await call(t, 'GET', '/version')).status).toBe(200);
  });

  it('removes the temp file when the call fails too', async () => {
    const t = ssh({ privateKeyFile: sshd.keyFile });
    const res = await call(
      t,
      'POST',
      '/nodes/pve1/storage/local/upload',
      { content: 'iso' },
      {
        upload: localFile('notes.txt', 'not an iso'),
      },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: { filename: 'wrong file extension' } });
    const seen = sshd.state.uploads.at(-1)!;
    expect(seen.content).toBe('not an iso');
    expect(existsSync(seen.tmpfilename)).toBe(false);
  });
});

describe('ssh backend: pieces', () => {
  it('takes port 22 unless a port was given, and drops a @pam realm from the user', () => {
    expect(sshPort(resolved({ backend: 'ssh', host: 'pve.example.com' }))).toBeUndefined();
    expect(sshPort(resolved({ backend: 'ssh', host: 'pve.example.com:2222' }))).toBe(2222);
    expect(sshPort(resolved({ backend: 'ssh', host: 'pve.example.com', port: 2200 }))).toBe(2200);
    expect(sshUser(resolved({ backend: 'ssh', host: 'h', user: 'root@pam' }))).toBe('root');
  });

  it('refuses forwardSshAgent without an agent', () => {
    expect(() => ssh({ privateKeyFile: sshd.keyFile, forwardSshAgent: true })).toThrow(/no agent to forward/);
  });

  it("accepts 'ssh_paramiko' as another name for ssh", async () => {
    const t = await createTransport(resolved({ backend: 'ssh_paramiko', host: 'h' }));
    expect(t).toBeInstanceOf(SshTransport);
    await t.close();
  });

  it('matches known_hosts names: plain, [host]:port, wildcards, negation, hashed', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    expect(entryMatches('pve1,10.0.0.1', '10.0.0.1')).toBe(true);
    expect(entryMatches('*.example.com,!bad.example.com', 'pve.example.com')).toBe(true);
    expect(entryMatches('*.example.com,!bad.example.com', 'bad.example.com')).toBe(false);
    expect(entryMatches('[10.0.0.1]:2222', '10.0.0.1')).toBe(false);
    const salt = Buffer.from('0123456789abcdef0123');
    const hash = createHmac('sha1', salt).update('[10.0.0.1]:2222').digest('base64');
    expect(entryMatches(`|1|${salt.toString('base64')}|${hash}`, '[10.0.0.1]:2222')).toBe(true);
    expect(entryMatches(`|1|${salt.toString('base64')}|${hash}`, '10.0.0.1')).toBe(false);
  });

  it('refuses a key marked @revoked, and prefers the known key type', () => {
    const key = Buffer.from(sshd.hostKeyLine.split(' ')[1]!, 'base64');
    const dir = mkdtempSync(join(sshd.dir, 'kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `@revoked * ${sshd.hostKeyLine}\n[h]:2222 ${sshd.hostKeyLine}\n`);
    const verdict = checkHostKey({ host: 'h', port: 2222, knownHostsFile: file }, key);
    expect(verdict).toMatchObject({ ok: false, reason: 'revoked' });
    expect(parseKnownHosts(readFileSync(file, 'utf8'))).toHaveLength(2);
    expect(preferredHostKeyAlgorithms(['ssh-rsa'])[0]).toBe('rsa-sha2-512');
    expect(preferredHostKeyAlgorithms(['ecdsa-sha2-nistp256'])[0]).toBe('ecdsa-sha2-nistp256');
    expect(fingerprint(key)).toBe(sshd.hostKeyFingerprint);
  });

  it('hands out channel slots in order and lets queued waiters abort', async () => {
    const limiter = new ChannelLimiter(1);
    const first = await limiter.acquire();
    const order: string[] = [];
    const second = limiter.acquire().then((r) => {
      order.push('second');
      return r;
    });
    const ctl = new AbortController();
    const third = limiter.acquire(ctl.signal).catch(() => order.push('third aborted'));
    ctl.abort();
    await third;
    first();
    (await second)();
    expect(order).toEqual(['third aborted', 'second']);
    expect(limiter.active).toBe(0);
  });

  it('leaves nothing behind: the process exits after close()', async () => {
    const script = join(process.cwd(), 'test/integration/sshd/exit-check.ts');
    const options = {
      backend: 'ssh',
      host: `127.0.0.1:${sshd.port}`,
      user: sshd.user,
      privateKeyFile: sshd.keyFile,
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
  });
});
