/**
 * Terminals through the simulator over real TLS and real websockets (`ws` on both sides).
 * The server side follows pve-manager PVE/API2/Nodes.pm (termproxy, vncwebsocket,
 * get_shell_command), qemu-server PVE/API2/Qemu.pm and pve-container src/PVE/API2/LXC.pm
 * (termproxy, vncwebsocket), pve-access-control src/PVE/AccessControl.pm
 * (assemble_vnc_ticket, verify_vnc_ticket: -20..40 s, bound to user, path and port),
 * src/PVE/API2/AccessControl.pm (POST /access/vncticket), pve-xtermjs termproxy/src/main.rs
 * (the `AUTHID:TICKET\n` / `OK` handshake, `0:LEN:DATA`, `1:COLS:ROWS:`, 80x20 at start) and
 * pve-http-server src/PVE/APIServer/AnyEvent.pm (handle_api2_request's upgrade, websocket_proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleHelper } from '../../src/console/console-helper.js';
import { openConsoleSocket } from '../../src/console/console-socket.js';
import type { ConsoleContext, ProxyTicket } from '../../src/console/console-types.js';
import { TerminalWire } from '../../src/console/terminal-stream.js';
import { ProxmoxSDK, rawRoute } from '../../src/index.js';
import type { ProxmoxOptions } from '../../src/options/options.js';
import { resolveOptions } from '../../src/options/resolve.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import {
  rawUpgrade,
  received,
  rejection,
  rootClient,
  rootCookie,
  Screen,
  simulator,
  tokenClient,
} from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

/** A console helper with its own options (the TLS ones under test) and a working client's calls. */
function helperWith(
  px: ProxmoxSDK,
  options: ProxmoxOptions,
  cookie: string,
  headersDelayMs = 0,
): ConsoleHelper {
  const ctx: ConsoleContext = {
    options: resolveOptions(options),
    call: (method, path, params) => px.request(rawRoute(`${method} ${path}` as `GET /${string}`), params),
    headers: async () => {
      if (headersDelayMs > 0) await new Promise((r) => setTimeout(r, headersDelayMs));
      return { cookie };
    },
  };
  return new ConsoleHelper(ctx);
}

/** root@pam's shell on pve1, at its first prompt. */
async function nodeShell(px: ProxmoxSDK) {
  const term = await px.consoles.shell('pve1');
  const screen = new Screen(term);
  await screen.waitFor('root@pve1:~# ');
  return { term, screen };
}

describe('terminals: termproxy + vncwebsocket', () => {
  it('root@pam gets a root shell on the node (Nodes.pm get_shell_command: login -f root); the pty starts at 80x20, resize reaches it, exit ends the stream', async () => {
    await using px = rootClient(sim);
    const { term, screen } = await nodeShell(px);
    term.write('hostname\r');
    await screen.waitFor(/hostname\r\npve1\r\n/);
    term.write('stty size\r');
    await screen.waitFor('\r\n20 80\r\n');
    term.resize(132, 43);
    term.write('stty size\r');
    await screen.waitFor('\r\n43 132\r\n');
    term.write('uname -a\r');
    await screen.waitFor(/Linux pve1 \S+ .*GNU\/Linux\r\n/);
    term.write('exit\r');
    await screen.waitEnd();
    // Nodes.pm names the worker 'vncshell' for termproxy too.
    expect(term.upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vncshell::root@pam:$/);
  });

  it('cmd upgrade: root@pam gets pveupgrade --shell, then a shell; anyone else still /bin/login (Nodes.pm get_shell_command)', async () => {
    await using px = rootClient(sim);
    const term = await px.consoles.shell('pve1', { cmd: 'upgrade' });
    const screen = new Screen(term);
    await screen.waitFor('Starting system upgrade: apt-get dist-upgrade');
    await screen.waitFor('Your System is up-to-date\r\n\r\nstarting shell\r\n');
    await screen.waitFor('root@pve1:~# ');
    term.write('exit\r');
    await screen.waitEnd();
    const status = (await px.request('GET /nodes/{node}/tasks/{upid}/status', {
      node: 'pve1',
      upid: term.upid,
    })) as {
      exitstatus: string;
    };
    expect(status.exitstatus).toContain(" -- /usr/bin/pveupgrade --shell' failed: exit code 1");

    const { px: token } = tokenClient(sim);
    await using _ = token;
    const other = await token.consoles.shell('pve1', { cmd: 'upgrade' });
    await new Screen(other).waitFor('pve1 login: ');
    other.destroy();
  });

  it('cols and rows given at open are the pty size from the first command on', async () => {
    await using px = rootClient(sim);
    const term = await px.consoles.shell('pve1', { cols: 100, rows: 30 });
    const screen = new Screen(term);
    await screen.waitFor('# ');
    term.write('stty size\r');
    await screen.waitFor('\r\n30 100\r\n');
    term.destroy();
  });

  it('a container by VMID alone (located through /cluster/resources): the getty asks for a login, hides the password, the shell answers', async () => {
    await using px = rootClient(sim);
    expect(await px.consoles.locate(109)).toEqual({ node: 'pve1', vmid: 109, type: 'lxc' });
    const term = await px.consoles.terminal(109);
    const screen = new Screen(term);
    await screen.waitFor('git-09 login: ');
    term.write('root\r');
    await screen.waitFor('Password: ');
    term.write('hunter2\r');
    await screen.waitFor('root@git-09:~# ');
    expect(screen.text).not.toContain('hunter2');
    term.write('false\recho $?\r');
    await screen.waitFor(/echo \$\?\r\n1\r\n/);
    term.write('echo hello world\r');
    await screen.waitFor(/\r\nhello world\r\n/);
    term.end();
  });

  it('a VMID that is no guest: GuestLookupError, nothing opened', async () => {
    await using px = rootClient(sim);
    await expect(px.consoles.terminal(4242)).rejects.toMatchObject({
      code: 'PROXMOX_GUEST_LOOKUP',
      reason: 'not-found',
    });
  });

  it('a VM without a serial socket: qm terminal says so and the console ends; with serial0 it starts', async () => {
    await using px = rootClient(sim);
    const term = await px.consoles.terminal({ node: 'pve1', vmid: 100, type: 'qemu' });
    const screen = new Screen(term);
    await screen.waitFor('unable to find a serial interface');
    await screen.waitEnd();
    // A serial port is not hot-plugged: set it on a stopped VM, then start it.
    await px.request('PUT /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 106, serial0: 'socket' });
    await px.request(
      'POST /nodes/{node}/qemu/{vmid}/status/start',
      { node: 'pve1', vmid: 106 },
      { wait: true },
    );
    const serial = await px.consoles.terminal(
      { node: 'pve1', vmid: 106, type: 'qemu' },
      { serial: 'serial0' },
    );
    const s2 = new Screen(serial);
    await s2.waitFor('starting serial terminal on interface serial0');
    await s2.waitFor('dns-06 login: ');
    serial.destroy();
  });

  it('input larger than one websocket message arrives whole (0:LEN:DATA in pieces under pveproxy 128 KiB frame limit)', async () => {
    await using px = rootClient(sim);
    const { term, screen } = await nodeShell(px);
    const word = 'x'.repeat(300 * 1024);
    term.write(`echo ${word}\r`);
    await screen.waitFor(`\r\n${word}\r\n`, 15000);
    term.destroy();
  });

  it('a reader that lags pauses the socket: a 2 MB flood waits outside the stream, then arrives whole', async () => {
    await using px = rootClient(sim);
    const { term, screen } = await nodeShell(px);
    term.pause();
    term.write('seq 300000\r');
    // Until the output has begun, then time for the rest of it to arrive if nothing held it back.
    for (let i = 0; i < 100 && term.readableLength === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    expect(term.readableLength).toBeLessThan(1024 * 1024);
    term.resume();
    await screen.waitFor('\r\n300000\r\nroot@pve1:~# ', 15000);
    expect(screen.text.length).toBeGreaterThan(2_000_000);
    term.destroy();
  });

  it('keepalives (`2`) are skipped by termproxy and keep nothing from working', async () => {
    await using px = rootClient(sim);
    const term = await px.consoles.shell('pve1', { keepaliveMs: 10 });
    const screen = new Screen(term);
    await screen.waitFor('# ');
    await new Promise((r) => setTimeout(r, 100));
    term.write('echo still here\r');
    await screen.waitFor('\r\nstill here\r\n');
    expect(screen.text).not.toMatch(/2{2,}/);
    term.destroy();
  });

  it('an API token opens a node shell: PVE 9 lets tokens through termproxy (pve-manager 49395b74, /access/vncticket takes token auth ids); not root@pam, so /bin/login asks', async () => {
    const { px } = tokenClient(sim);
    await using _ = px;
    const term = await px.consoles.shell('pve1');
    const screen = new Screen(term);
    await screen.waitFor('pve1 login: ');
    term.destroy();
  });

  it('termproxy closes on a ticket other than its own: a typed AuthenticationError that, for tokens, names the server versions, and holds neither ticket nor secret', async () => {
    const { px, secret } = tokenClient(sim);
    await using _ = px;
    const user = sim.users.find((u) => u.userid.startsWith('automation@'))!.userid;
    const ctx: ConsoleContext = {
      options: resolveOptions({
        host: sim.host,
        port: sim.port,
        ca: sim.ca,
        user,
        tokenName: 'full',
        tokenValue: secret,
      }),
      call: (method, path, params) => px.request(rawRoute(`${method} ${path}` as `GET /${string}`), params),
      headers: async () => ({ authorization: `PVEAPIToken=${user}!full=${secret}` }),
    };
    const ticket = (await px.request('POST /nodes/{node}/termproxy', { node: 'pve1' })) as ProxyTicket;
    const ws = await openConsoleSocket(ctx, '/nodes/pve1', ticket);
    const term = new TerminalWire(ws, {
      user: ticket.user,
      ticket: `${ticket.ticket}x`,
      token: true,
      upid: ticket.upid,
    });
    term.on('error', () => {});
    const error = await rejection(term.ready());
    expect(error.code).toBe('PROXMOX_AUTH');
    expect(error.message).toContain('qemu-server 9.1.7');
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(ticket.ticket);
  });

  it('a vncticket older than 40 s is refused at the upgrade (verify_short_lived_ticket): ResourceException 500, ticket not in the message', async () => {
    // The clock jumps a minute right after the termproxy call, before the websocket GET.
    const slow = await startSimulator({
      taskDurationMs: 20,
      faults: { clockJump: { afterRequests: 1, ms: 60_000 } },
    });
    try {
      const { px } = tokenClient(slow);
      await using _ = px;
      const error = await rejection(px.consoles.shell('pve1'));
      expect(error.code).toBe('PROXMOX_RESOURCE');
      expect(error.statusCode).toBe(500);
      expect(error.message).toContain('invalid PVEVNC ticket');
      expect(error.message).not.toContain('PVEVNC:');
    } finally {
      await slow.close();
    }
  });

  it('a port serves one client (termproxy accepts once): the second upgrade with the same ticket fails', async () => {
    await using px = rootClient(sim);
    const cookie = await rootCookie(sim);
    const ticket = (await px.request('POST /nodes/{node}/termproxy', { node: 'pve1' })) as ProxyTicket;
    const query = { port: ticket.port, vncticket: ticket.ticket };
    const first = await rawUpgrade(sim, '/nodes/pve1', query, { cookie });
    expect('ws' in first && first.protocol).toBe('binary');
    const second = await rawUpgrade(sim, '/nodes/pve1', query, { cookie });
    expect(second).toMatchObject({ status: 500 });
    if ('ws' in first) first.ws.terminate();
  });

  it('the raw protocol: `OK` after the ticket line, output as bytes; a wrong ticket line ends the connection without a word', async () => {
    await using px = rootClient(sim);
    const cookie = await rootCookie(sim);
    const open = async () => {
      const t = (await px.request('POST /nodes/{node}/termproxy', { node: 'pve1' })) as ProxyTicket;
      const up = await rawUpgrade(sim, '/nodes/pve1', { port: t.port, vncticket: t.ticket }, { cookie });
      if (!('ws' in up)) throw new Error(`upgrade refused: ${up.status}`);
      return { t, ws: up.ws, seen: received(up.ws) };
    };
    const good = await open();
    good.ws.send(`${good.t.user}:${good.t.ticket}\n`);
    good.ws.send('0:9:hostname\r');
    await new Promise((r) => setTimeout(r, 200));
    expect(good.seen.text()).toMatch(/^OK/);
    expect(good.seen.text()).toContain('\r\npve1\r\n');
    good.ws.terminate();

    const bad = await open();
    bad.ws.send(`${bad.t.user}:PVEVNC:00000000::forged\n`);
    await bad.seen.closed;
    expect(bad.seen.text()).toBe('');
  });

  it('the vncwebsocket refuses a ticket made for another port (qemu-server c9ee34b5: the port is in the ticket)', async () => {
    await using px = rootClient(sim);
    const cookie = await rootCookie(sim);
    const ticket = (await px.request('POST /nodes/{node}/termproxy', { node: 'pve1' })) as ProxyTicket;
    const other = Number(ticket.port) === 5999 ? 5998 : Number(ticket.port) + 1;
    const up = await rawUpgrade(sim, '/nodes/pve1', { port: other, vncticket: ticket.ticket }, { cookie });
    expect(up).toMatchObject({ status: 500, reason: 'permission denied - invalid PVEVNC ticket' });
  });

  it('the upgrade is authenticated like any request: without credentials 401', async () => {
    await using px = rootClient(sim);
    const ticket = (await px.request('POST /nodes/{node}/termproxy', { node: 'pve1' })) as ProxyTicket;
    const up = await rawUpgrade(sim, '/nodes/pve1', { port: ticket.port, vncticket: ticket.ticket }, {});
    expect(up).toMatchObject({ status: 401 });
  });

  it('no Sys.Console on the node: termproxy refuses with 403 (Nodes.pm termproxy permissions) before any websocket', async () => {
    // automation@pve!ci is privilege-separated: an auditor role and PVEVMUser on /vms.
    const user = sim.users.find((u) => u.userid.startsWith('automation@'))!;
    const ci = user.tokens.find((t) => t.tokenid === 'ci')!;
    await using px = new ProxmoxSDK({
      host: sim.host,
      port: sim.port,
      ca: sim.ca,
      user: user.userid,
      tokenName: 'ci',
      tokenValue: ci.value,
    });
    const error = await rejection(px.consoles.shell('pve1'));
    expect(error.code).toBe('PROXMOX_RESOURCE');
    expect(error.statusCode).toBe(403);
    expect(error.message).not.toContain(ci.value);
    // VM.Console on /vms through PVEVMUser: the same token opens a guest console.
    const term = await px.consoles.terminal({ node: 'pve1', vmid: 109, type: 'lxc' });
    await new Screen(term).waitFor('login: ');
    term.destroy();
  });

  it('an aborted signal stops the opening with AbortError', async () => {
    await using px = rootClient(sim);
    await px.login();
    const controller = new AbortController();
    controller.abort();
    await expect(px.consoles.shell('pve1', { signal: controller.signal })).rejects.toMatchObject({
      code: 'PROXMOX_ABORTED',
    });
  });

  it('the https backend only: a mock client gets a typed error', async () => {
    await using px = new ProxmoxSDK({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
    await expect(px.consoles.shell('pve1')).rejects.toMatchObject({ code: 'PROXMOX_INVALID_ARGUMENT' });
  });
});

describe('terminals: the worker task and the program behind the pty', () => {
  type Status = { status: string; exitstatus?: string };
  const taskStatus = (px: ProxmoxSDK, upid: string) =>
    px.request('GET /nodes/{node}/tasks/{upid}/status', { node: 'pve1', upid }) as Promise<Status>;
  const taskLog = async (px: ProxmoxSDK, upid: string) =>
    (
      (await px.request('GET /nodes/{node}/tasks/{upid}/log', { node: 'pve1', upid })) as Array<{ t: string }>
    ).map((l) => l.t);

  it('`exit` in a node shell ends the task with run_command failure status (termproxy main.rs: EIO on the pty, exit 1); closing the client ends it OK', async () => {
    await using px = rootClient(sim);
    const { term, screen } = await nodeShell(px);
    term.write('exit\r');
    await screen.waitEnd();
    const done = await taskStatus(px, term.upid);
    expect(done.status).toBe('stopped');
    expect(done.exitstatus).toMatch(
      /^command '\/usr\/bin\/termproxy \d+ --path \/nodes\/pve1 --perm Sys\.Console --vncticket-endpoint --verify-port --ticket-fd 3 -- \/bin\/login -f root' failed: exit code 1$/,
    );
    expect(await taskLog(px, term.upid)).toContain('error reading from pty: Input/output error (os error 5)');

    const other = await px.consoles.shell('pve1');
    await new Screen(other).waitFor('# ');
    other.destroy();
    let left: Status = { status: 'running' };
    for (let i = 0; i < 100 && left.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = await taskStatus(px, other.upid);
    }
    expect(left).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
  });

  it('a display of type serialN picks the serial port when none is asked for (Qemu.pm termproxy reads vga)', async () => {
    await using px = rootClient(sim);
    // VM 100 has no serial port: with vga=serial1, qm terminal is told -iface serial1 and says that one is missing
    // (it checks the interface before whether the VM runs). vga changes only on a stopped VM.
    const vm100 = { node: 'pve1', vmid: 100 };
    await px.request('POST /nodes/{node}/qemu/{vmid}/status/stop', vm100, { wait: true });
    await px.request('PUT /nodes/{node}/qemu/{vmid}/config', { ...vm100, vga: 'serial1' });
    const term = await px.consoles.terminal({ node: 'pve1', vmid: 100, type: 'qemu' });
    const screen = new Screen(term);
    await screen.waitFor("serial interface 'serial1' is not configured");
    await screen.waitEnd();
    expect((await taskStatus(px, term.upid)).exitstatus).toContain(
      "-- /usr/sbin/qm terminal 100 -escape 0 -iface serial1' failed: exit code 1",
    );
  });

  it('a container with cmode=shell gives a root shell at once (PVE::LXC::get_console_command: lxc-attach)', async () => {
    await using px = rootClient(sim);
    // cmode is not changed on a running container: stop, set, start.
    const ct = { node: 'pve1', vmid: 109 };
    await px.request('POST /nodes/{node}/lxc/{vmid}/status/stop', ct, { wait: true });
    await px.request('PUT /nodes/{node}/lxc/{vmid}/config', { ...ct, cmode: 'shell' });
    await px.request('POST /nodes/{node}/lxc/{vmid}/status/start', ct, { wait: true });
    const term = await px.consoles.terminal({ node: 'pve1', vmid: 109, type: 'lxc' });
    const screen = new Screen(term);
    await screen.waitFor('root@git-09:~# ');
    expect(screen.text).not.toContain('login:');
    term.write('exit\r');
    await screen.waitEnd();
    expect((await taskStatus(px, term.upid)).exitstatus).toContain(
      "-- /usr/bin/dtach -A /var/run/dtach/vzctlconsole109 -r winch -z lxc-attach --clear-env -n 109' failed",
    );
  });
});

describe('terminals: secrets', () => {
  it('the debug log of opening a shell and a VNC display, and of checking a ticket by hand, holds neither the console ticket nor the VNC password', async () => {
    const lines: string[] = [];
    await using px = new ProxmoxSDK({
      host: sim.host,
      port: sim.port,
      ca: sim.ca,
      user: 'root@pam',
      password: 'proxmox',
      debug: (line) => void lines.push(line),
    });
    const term = await px.consoles.shell('pve1');
    await new Screen(term).waitFor('# ');
    term.destroy();
    const vnc = await px.consoles.vnc({ node: 'pve1', vmid: 103, type: 'qemu' });
    vnc.destroy();
    const t = (await px.request('POST /nodes/{node}/termproxy', { node: 'pve1' })) as ProxyTicket;
    await px.request('POST /access/vncticket', {
      authid: 'root@pam',
      vncticket: t.ticket,
      path: '/nodes/pve1',
      privs: 'Sys.Console',
      port: Number(t.port),
    });
    const log = lines.join('\n');
    expect(log).toContain('POST /nodes/pve1/termproxy');
    expect(log).toContain('POST /access/vncticket');
    expect(log).not.toMatch(/PVEVNC:[0-9A-F]{8}::/);
    expect(log).not.toContain(vnc.password!);
  });
});

describe('terminals: the websocket gets the same TLS checks as every call', () => {
  it('pinned by fingerprint alone (no CA), the console opens: the pin is checked on the websocket too', async () => {
    await using px = new ProxmoxSDK({
      host: sim.host,
      port: sim.port,
      fingerprint: sim.fingerprint,
      user: 'root@pam',
      password: 'proxmox',
    });
    const term = await px.consoles.shell('pve1');
    await new Screen(term).waitFor('root@pve1:~# ');
    term.destroy();
  });

  it('a wrong pin on the console connection: ConnectionError (certificate) before any credential is written', async () => {
    await using px = rootClient(sim);
    const cookie = await rootCookie(sim);
    const wrong = `${sim.fingerprint.slice(0, -2)}${sim.fingerprint.endsWith('00') ? '11' : '00'}`;
    const helper = helperWith(
      px,
      { host: sim.host, port: sim.port, fingerprint: wrong, user: 'root@pam', password: 'x' },
      cookie,
    );
    await px.login();
    const before = sim.engine.stats.requests;
    const error = await rejection(helper.shell('pve1'));
    expect(error.code).toBe('PROXMOX_CONNECTION');
    expect(error.certificate).toBe(true);
    // Only the termproxy POST reached the server; the websocket GET never did.
    expect(sim.engine.stats.requests - before).toBe(1);
  });

  it('a TLS refusal while the credentials are still being fetched is no unhandled rejection (which would end the process)', async () => {
    await using px = rootClient(sim);
    const cookie = await rootCookie(sim);
    const wrong = `${sim.fingerprint.slice(0, -2)}${sim.fingerprint.endsWith('00') ? '11' : '00'}`;
    // The handshake fails within milliseconds; the credentials come 300 ms later.
    const helper = helperWith(
      px,
      { host: sim.host, port: sim.port, fingerprint: wrong, user: 'root@pam', password: 'x' },
      cookie,
      300,
    );
    await px.login();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const error = await rejection(helper.shell('pve1'));
      expect(error.code).toBe('PROXMOX_CONNECTION');
      expect(error.certificate).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('verifySsl on and no CA for the self-signed certificate: the console connection is refused', async () => {
    await using px = rootClient(sim);
    const cookie = await rootCookie(sim);
    const helper = helperWith(
      px,
      { host: sim.host, port: sim.port, user: 'root@pam', password: 'x' },
      cookie,
    );
    await expect(helper.shell('pve1')).rejects.toMatchObject({
      code: 'PROXMOX_CONNECTION',
      certificate: true,
    });
  });
});
