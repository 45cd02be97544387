/**
 * The simulated termproxy (pve-xtermjs termproxy/src/main.rs) behind a websocket: the
 * first line is `AUTHID:TICKET\n`; the ticket must be the one pinned to this proxy and pass
 * the /access/vncticket check (auth id, path, privilege, port), else the connection ends
 * without an answer. Then `OK`, and the pty: output flows back as raw bytes, input comes
 * as `0:LEN:DATA` (LEN in bytes), `1:COLS:ROWS:` resizes (the pty starts at 80x20), and
 * any other byte, such as the `2` keepalive, is skipped.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import type { ConsolePeer } from './peer.js';
import { type ConsoleSession, endSession, watchGuest } from './sessions.js';
import { type ShellOptions, SimulatedShell } from './shell.js';
import { consoleTicketValid } from './vnc-ticket.js';

const TICKET_TIMEOUT_MS = 10_000;
/**
 * What termproxy says when the program on the pty ends: reading the pty master gives EIO
 * once the last slave closes, and it exits 1 (main.rs, "error reading from pty"). So a
 * shell left with `exit` ends its task with an error status, as on PVE; a client that
 * disconnects ends it OK.
 */
/** apt on an up-to-date node. */
const APT_UPGRADE =
  'Reading package lists... Done\r\nBuilding dependency tree... Done\r\nCalculating upgrade... Done\r\n' +
  '0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\r\n';
/**
 * The `upgrade` shell command before its shell: PVE runs pve-manager bin/pveupgrade --shell,
 * PBS `sh -c 'apt full-upgrade; bash -l'` (proxmox-backup src/api2/node/mod.rs).
 */
const UPGRADE = {
  PVE: `Starting system upgrade: apt-get dist-upgrade\r\n${APT_UPGRADE}\r\nYour System is up-to-date\r\n\r\nstarting shell\r\n`,
  PBS: APT_UPGRADE,
} as const;
const PTY_GONE = 'error reading from pty: Input/output error (os error 5)';
/**
 * A container's console runs under `dtach -A` (termproxy-command.ts): when lxc-console ends
 * with the container, the dtach master closes its socket and the attached client prints this
 * and exits (dtach attach.c attach_main: EOS, "[EOF - dtach terminating]"; then restore_term
 * shows the cursor again).
 */
const DTACH_EOF = '\x1b[999H\r\n[EOF - dtach terminating]\r\n\x1b[?25h';
const MAX_TICKET_LINE = 4096;

export class TerminalProxy {
  #pending: Buffer = Buffer.alloc(0);
  #authenticated = false;
  /** Bytes of a `0:LEN:` message still to come. */
  #remaining = 0;
  #size = { cols: 80, rows: 20 };
  #shell: SimulatedShell | undefined;
  #unwatch: (() => void) | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly core: EngineCore,
    private readonly session: ConsoleSession,
    private readonly peer: ConsolePeer,
  ) {
    this.#timer = setTimeout(() => this.#stop('failed reading ticket: timed out'), TICKET_TIMEOUT_MS);
    this.#timer.unref();
  }

  /** Bytes the websocket delivered. */
  data(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    if (!this.#authenticated) this.#readTicket();
    if (this.#authenticated) this.#process();
  }

  /** The client went away: the pty's program is hung up, the worker task ends. */
  ended(): void {
    clearTimeout(this.#timer);
    this.#unwatch?.();
    endSession(this.core, this.session);
  }

  #stop(error?: string): void {
    clearTimeout(this.#timer);
    this.#unwatch?.();
    endSession(this.core, this.session, error);
    this.peer.close();
  }

  /**
   * The program behind the pty ended: a shell left with `exit`, or the guest stopped under
   * its console. `qm terminal` runs socat on the VM's serial socket, which closes with the
   * QEMU process (qemu-server PVE/CLI/qm.pm terminal), so socat and qm exit without a word; a
   * container's lxc-console (or lxc-attach) ends with the container, and dtach says so.
   * Either way the pty's last holder is gone: termproxy exits 1 and pveproxy drops the websocket.
   */
  #ptyGone(): void {
    if (this.session.target.type === 'lxc') this.peer.send(Buffer.from(DTACH_EOF, 'latin1'));
    this.#stop(PTY_GONE);
  }

  #readTicket(): void {
    const newline = this.#pending.indexOf(0x0a);
    if (newline < 0) {
      if (this.#pending.length > MAX_TICKET_LINE)
        this.#stop('failed reading ticket: authentication data is incomplete');
      return;
    }
    const line = this.#pending.subarray(0, newline).toString('utf8');
    this.#pending = this.#pending.subarray(newline + 1);
    const colon = line.indexOf(':');
    if (colon < 0) {
      this.#stop('failed reading ticket: authentication data is invalid');
      return;
    }
    const authid = line.slice(0, colon);
    const ticket = line.slice(colon + 1);
    const s = this.session;
    if (
      ticket !== s.ticket ||
      !consoleTicketValid(this.core, authid, ticket, s.path, s.perm, s.port, s.ticketKind)
    ) {
      this.#stop('authentication request failed');
      return;
    }
    clearTimeout(this.#timer);
    this.#authenticated = true;
    this.peer.send(Buffer.from('OK'));
    this.#start();
  }

  #start(): void {
    const { target } = this.session;
    const write = (text: string) => this.peer.send(Buffer.from(text, 'utf8'));
    const common = { write, end: () => this.#ptyGone(), size: () => this.#size };
    if (target.type === 'node') {
      const root = this.session.authid === 'root@pam';
      this.#shell = new SimulatedShell({
        ...common,
        hostname: target.node,
        banner: !root
          ? '\r\n'
          : target.upgrade
            ? UPGRADE[this.core.service === 'PBS' ? 'PBS' : 'PVE']
            : `Linux ${target.node} 6.8.12-4-pve #1 SMP x86_64\r\n\r\n`,
        login: root ? 'root' : 'prompt',
        onExit: 'end',
      });
      return;
    }
    const guest = target.guest;
    const name = this.core.cluster.guestName(guest);
    if (target.type === 'qemu') {
      const iface = serialInterface(guest.config, target.serial);
      if ('error' in iface) {
        this.#fail(iface.error);
        return;
      }
      if (guest.status !== 'running') {
        this.#fail(`VM ${guest.vmid} not running`);
        return;
      }
      write(`starting serial terminal on interface ${iface.name}\r\n`);
      this.#shell = new SimulatedShell(guestShell(common, name, 'ttyS0'));
      this.#unwatch = watchGuest(this.core, guest.vmid, () => this.#ptyGone());
      return;
    }
    if (guest.status !== 'running') {
      this.#fail(`CT ${guest.vmid} not running`);
      return;
    }
    this.#unwatch = watchGuest(this.core, guest.vmid, () => this.#ptyGone());
    // cmode=shell attaches a root shell (lxc-attach), no getty; it ends with the shell.
    if (guest.config.cmode === 'shell') {
      this.#shell = new SimulatedShell({
        ...common,
        hostname: name,
        banner: '',
        login: 'root',
        onExit: 'end',
      });
      return;
    }
    this.#shell = new SimulatedShell(guestShell(common, name, 'tty1'));
  }

  /** What `qm terminal` or lxc-console print before they exit with an error. */
  #fail(message: string): void {
    this.peer.send(Buffer.from(`${message}\r\n`));
    this.#stop(PTY_GONE);
  }

  #process(): void {
    while (this.#pending.length > 0) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, this.#pending.length);
        const chunk = this.#pending.subarray(0, take);
        this.#pending = this.#pending.subarray(take);
        this.#remaining -= take;
        this.#shell?.input(chunk);
        continue;
      }
      const type = this.#pending[0];
      if (type === 0x30 || type === 0x31) {
        const numbers = readNumbers(this.#pending, type === 0x30 ? 1 : 2);
        if (numbers === undefined) return; // the rest of the message is still on its way
        this.#pending = this.#pending.subarray(numbers.used);
        if (type === 0x30) this.#remaining = numbers.values[0]!;
        else this.#size = { cols: numbers.values[0]!, rows: numbers.values[1]! };
      } else {
        this.#pending = this.#pending.subarray(1);
      }
    }
  }
}

/** `T:` followed by `count` numbers each ended by `:`; undefined while incomplete. */
function readNumbers(buf: Buffer, count: number): { values: number[]; used: number } | undefined {
  let at = 2;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const end = buf.indexOf(0x3a, at);
    if (end < 0) return undefined;
    values.push(Number.parseInt(buf.subarray(at, end).toString('latin1'), 10) || 0);
    at = end + 1;
  }
  return { values, used: at };
}

/** qm terminal's choice: the named interface, or the first serialN that is a socket. */
function serialInterface(
  config: Record<string, string>,
  wanted: string | undefined,
): { name: string } | { error: string } {
  if (wanted !== undefined) {
    if (!config[wanted]) return { error: `serial interface '${wanted}' is not configured` };
    if (config[wanted] !== 'socket') return { error: `wrong serial type on interface '${wanted}'` };
    return { name: wanted };
  }
  const name = ['serial0', 'serial1', 'serial2', 'serial3'].find((k) => config[k] === 'socket');
  return name === undefined ? { error: 'unable to find a serial interface' } : { name };
}

function guestShell(
  common: Pick<ShellOptions, 'write' | 'end' | 'size'>,
  name: string,
  tty: string,
): ShellOptions {
  return {
    ...common,
    hostname: name,
    banner: `\r\nDebian GNU/Linux 13 ${name} ${tty}\r\n\r\n`,
    login: 'prompt',
    onExit: 'relogin',
  };
}
