/**
 * A real OpenSSH server for the shell backends' tests: Debian's /usr/sbin/sshd as a child
 * process on 127.0.0.1 and a free port, with its own host key, an authorized_keys file
 * (a plain and a passphrase-protected client key), password login for a throwaway local
 * user, and stand-in pvesh / pmgsh / proxmox-backup-debug first on the session's PATH.
 *
 * The test user (`pxsdk-test`, password below) is created once with useradd and kept: it
 * has no sudo rights, which the `sudo -n` tests rely on. Creating it needs root, as CI
 * runs; a missing sshd or missing root makes the fixture throw, so tests fail, never skip.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installStandIns } from './stand-ins.js';
import type { StateServer } from './state-server.js';

export const TEST_USER = 'pxsdk-test';
/** A throwaway password for a throwaway account, valid only for this local sshd's tests. */
export const TEST_PASSWORD = 'pxsdk-Test-pw-4417';
export const KEY_PASSPHRASE = 'pxsdk key passphrase 9921';
const SSHD = '/usr/sbin/sshd';
const SETPRIV = '/usr/bin/setpriv';

export interface Sshd {
  host: '127.0.0.1';
  /** Port with every auth method. */
  port: number;
  /** Port that only accepts keyboard-interactive (PAM asks for the password); MaxSessions 2. */
  kbdPort: number;
  user: string;
  password: string;
  /** Unencrypted client key, and one protected by KEY_PASSPHRASE. */
  keyFile: string;
  encryptedKeyFile: string;
  /** A key sshd does not know. */
  strangerKeyFile: string;
  /** known_hosts with the server's key for both ports; a wrong one for `changed` tests. */
  knownHostsFile: string;
  wrongKnownHostsFile: string;
  hostKeyFingerprint: string;
  hostKeyLine: string;
  /** Directory with the pvesh/pmgsh/proxmox-backup-debug wrappers. */
  binDir: string;
  dir: string;
  state: StateServer;
  /** sshd's -e log so far. */
  log(): string;
  /** How many TCP connections sshd accepted so far. */
  connections(): number;
  /** Kills the per-connection sshd processes (drops every session, keeps listening). */
  dropSessions(): void;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Creates the test user once and (re)sets its password; safe when test files race. */
function ensureUser(): void {
  if (process.getuid?.() !== 0)
    throw new Error('the sshd fixture needs root (to run sshd and add its test user)');
  // Test files start in parallel: useradd and chpasswd may find /etc/passwd or /etc/shadow
  // locked by the other's call ("try again later"), so both are retried.
  for (let attempt = 0; ; attempt++) {
    try {
      run('id', ['-u', TEST_USER]);
      break;
    } catch {
      try {
        run('useradd', ['-m', '-s', '/bin/sh', TEST_USER]);
        break;
      } catch (e) {
        if (/already exists/.test(String((e as { stderr?: string }).stderr))) break;
        if (attempt > 50) throw e;
        execFileSync('sleep', ['0.1']);
      }
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      run('chpasswd', [], `${TEST_USER}:${TEST_PASSWORD}\n`);
      return;
    } catch (e) {
      if (attempt > 20) throw e;
      execFileSync('sleep', ['0.1']); // /etc/shadow is locked by a parallel test file
    }
  }
}

function keygen(file: string, passphrase = ''): string {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'pxsdk-test', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

export async function startSshd(): Promise<Sshd> {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: install openssh-server (apt-get install -y openssh-server)`);
  }
  ensureUser();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation dir
  // Readable by the test user (authorized_keys, stand-ins, state socket); keys go in private/.
  const dir = mkdtempSync(join(tmpdir(), 'pxsdk-sshd-'));
  chmodSync(dir, 0o755);
  const priv = join(dir, 'private');
  mkdirSync(priv, { mode: 0o700 });

  const hostKey = join(priv, 'ssh_host_ed25519_key');
  const hostPub = keygen(hostKey);
  const keyFile = join(priv, 'id_plain');
  const encryptedKeyFile = join(priv, 'id_encrypted');
  const strangerKeyFile = join(priv, 'id_stranger');
  const authorized = [keygen(keyFile), keygen(encryptedKeyFile, KEY_PASSPHRASE)];
  keygen(strangerKeyFile);
  writeFileSync(join(dir, 'authorized_keys'), `${authorized.join('\n')}\n`, { mode: 0o644 });
  const hostKeyFingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]).split(' ')[1]!;
  const hostKeyLine = hostPub.split(' ').slice(0, 2).join(' ');

  const { binDir, state } = await installStandIns(dir);

  const port = await freePort();
  const kbdPort = await freePort();
  const knownHostsFile = join(priv, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port},[127.0.0.1]:${kbdPort} ${hostKeyLine}\n`);
  const otherHost = join(priv, 'other_host_key');
  const otherLine = keygen(otherHost).split(' ').slice(0, 2).join(' ');
  const wrongKnownHostsFile = join(priv, 'known_hosts_wrong');
  writeFileSync(wrongKnownHostsFile, `[127.0.0.1]:${port},[127.0.0.1]:${kbdPort} ${otherLine}\n`);

  const config = join(priv, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `ListenAddress 127.0.0.1:${kbdPort}`,
      `HostKey ${hostKey}`,
      'PidFile none',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'UsePAM yes',
      `AllowUsers ${TEST_USER}`,
      'AllowAgentForwarding yes',
      // The stand-ins first: the session's PATH is what pvesh resolution sees on a real host.
      `SetEnv PATH=${binDir}:/usr/local/bin:/usr/bin:/bin`,
      'LogLevel VERBOSE',
      // Benchmarks open hundreds of connections one after another, and 16 at once.
      'MaxStartups 200:30:400',
      'MaxSessions 32',
      'Subsystem sftp internal-sftp',
      `Match LocalPort ${kbdPort}`,
      '  AuthenticationMethods keyboard-interactive',
      // A low limit on this port lets tests see how a refused channel is reported.
      '  MaxSessions 2',
      '',
    ].join('\n'),
  );

  // A test process killed before it stops the fixture (a timed-out worker) takes sshd with
  // it: setpriv (util-linux) sets the parent-death signal, then execs sshd (same pid).
  const command = existsSync(SETPRIV)
    ? [SETPRIV, '--pdeathsig', 'SIGTERM', SSHD, '-D', '-e', '-f', config]
    : [SSHD, '-D', '-e', '-f', config];
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    log += s;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10_000);
    const check = () => {
      if ((log.match(/Server listening on/g) ?? []).length >= 2) {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}:\n${log}`));
    });
  });

  /** Every process below the listener: per-connection monitors, their session children, tools. */
  const sessionPids = (): number[] => {
    const parent = new Map<number, number>();
    for (const line of run('ps', ['-e', '-o', 'pid=,ppid=']).split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid && ppid) parent.set(pid, ppid);
    }
    const below = (pid: number): boolean => {
      for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
        if (p === child.pid) return true;
      return false;
    };
    return [...parent.keys()].filter(below);
  };
  // A session may exit between the `ps` listing and its kill (ESRCH): that one is gone already.
  const killSessions = (): void => {
    for (const pid of sessionPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  return {
    host: '127.0.0.1',
    port,
    kbdPort,
    user: TEST_USER,
    password: TEST_PASSWORD,
    keyFile,
    encryptedKeyFile,
    strangerKeyFile,
    knownHostsFile,
    wrongKnownHostsFile,
    hostKeyFingerprint,
    hostKeyLine,
    binDir,
    dir,
    state,
    log: () => log,
    connections: () => (log.match(/^Connection from /gm) ?? []).length,
    dropSessions: killSessions,
    stop: async () => {
      killSessions();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
