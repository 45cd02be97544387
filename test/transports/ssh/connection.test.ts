/**
 * SshConnection's lifetime against a real sshd (test/integration/sshd): what keeps the
 * process alive and how a dead peer is noticed (issue 9, F8).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection, type SshConnectionOptions } from '../../../src/transports/ssh/connection.js';
import { type Sshd, startSshd } from '../../integration/sshd/fixture.js';
import { rejection } from '../../integration/sshd/helpers.js';

delete process.env.SSH_AUTH_SOCK;

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function connection(options: Partial<SshConnectionOptions> = {}): SshConnection {
  return new SshConnection({
    host: '127.0.0.1',
    port: sshd.port,
    username: sshd.user,
    privateKeyFile: sshd.keyFile,
    knownHostsFile: sshd.knownHostsFile,
    strictHostKeyChecking: true,
    forwardSshAgent: false,
    maxChannels: 4,
    connectTimeout: 5000,
    ...options,
  });
}

/** TCP sockets that keep the event loop alive (unref'd ones are not listed). */
function holding(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** A TCP relay to sshd that can go silent both ways, as a peer behind a dead NAT does. */
async function relay(): Promise<{ server: Server; port: number; freeze: () => void }> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server = createServer((down) => {
    const up = connect(sshd.port, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    down.on('data', (b) => frozen || up.write(b));
    up.on('data', (b) => frozen || down.write(b));
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
  });
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, port, freeze: () => (frozen = true) };
}

const control = (timeout = 10_000) => ({ timeout, label: 'GET /test' });

describe('ssh connection: what keeps the process alive (F8)', () => {
  it('holds the event loop while a call runs, and lets go once the connection is idle', async () => {
    const conn = connection();
    try {
      const before = holding();
      const running = conn.exec('sleep 1; echo done', control());
      await new Promise((r) => setTimeout(r, 500));
      expect(conn.busy).toBe(1);
      expect(holding()).toBe(before + 1);
      expect((await running).stdout).toBe('done\n');
      // Connected and idle: the socket no longer holds the loop (nor do keepalive timers:
      // the stall tests in test/reliability check that the process exits).
      expect(conn.busy).toBe(0);
      expect(holding()).toBe(before);
    } finally {
      await conn.close();
    }
  });

  it('lets go after a call timed out, and signals the command on the host', async () => {
    const conn = connection();
    const marker = `/tmp/pxsdk-ssh-conn-${process.pid}.pid`;
    try {
      const before = holding();
      const started = Date.now();
      const e = await rejection(conn.exec(`echo $$ > ${marker}; exec sleep 60`, control(800)));
      expect(e.code).toBe('PROXMOX_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2800);
      expect(holding()).toBe(before);
      // The remote sleep got SIGTERM: sshd would leave it running when only the channel closed.
      const alive = await conn.exec(
        `sleep 0.3; kill -0 $(cat ${marker}) 2>/dev/null && echo alive`,
        control(),
      );
      expect(alive.stdout).toBe('');
    } finally {
      await conn.close();
    }
  });

  it('does not hold the process for a handshake no call waits for', async () => {
    // Its side of the connection unref'd, so that only the client's socket is counted.
    const silent = createServer((s) => s.unref());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const conn = connection({ port: (silent.address() as { port: number }).port, connectTimeout: 60_000 });
    try {
      const before = holding();
      const e = await rejection(conn.exec('true', control(300)));
      expect(e.code).toBe('PROXMOX_TIMEOUT');
      expect(holding()).toBe(before);
    } finally {
      silent.close();
      await conn.close();
    }
  });
});

describe('ssh connection: keepalive', () => {
  it('keeps a connection whose peer answers the pings, and drops one whose peer went silent', async () => {
    const { server, port, freeze } = await relay();
    const conn = connection({ port, strictHostKeyChecking: false, keepaliveMs: 100 });
    try {
      expect((await conn.exec('echo one', control())).stdout).toBe('one\n');
      // Ten intervals idle: every ping was answered (and matched to its reply), so no reconnect.
      await new Promise((r) => setTimeout(r, 1000));
      expect((await conn.exec('echo two', control())).stdout).toBe('two\n');
      expect(conn.connects).toBe(1);
      const running = conn.exec('sleep 5', control());
      await new Promise((r) => setTimeout(r, 200));
      freeze();
      const started = Date.now();
      const e = await rejection(running);
      expect(e.code).toBe('PROXMOX_CONNECTION');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      server.close();
      await conn.close();
    }
  });
});
