/**
 * `px.consoles`: terminals and VNC over the API, the way the PVE web UI opens them: POST
 * termproxy (or vncproxy with websocket=1) for a port and a short-lived ticket, then the
 * vncwebsocket upgrade on the same API path within 10 seconds (the proxy waits no longer
 * for its client), then termproxy's ticket line, or raw RFB for VNC.
 */
import { GuestLookupError, InvalidArgumentError } from '../core/errors.js';
import { assertWebsocketBackend, openConsoleSocket } from './console-socket.js';
import type { ConsoleContext, ProxyTicket, TerminalStream, VncStream } from './console-types.js';
import { TerminalWire } from './terminal-stream.js';
import { VncWire } from './vnc-stream.js';

export type GuestKind = 'qemu' | 'lxc';

/** Where a guest lives; `px.consoles.locate(vmid)` finds it. */
export interface GuestRef {
  node: string;
  vmid: number;
  type: GuestKind;
}

export interface TerminalOptions {
  /** qemu only: the serial port (`serial0`..`serial3`); default: the first one that is a socket. */
  serial?: string;
  /** Initial size in character cells; termproxy starts the pty at 80x20 otherwise. */
  cols?: number;
  rows?: number;
  /** Keepalive interval in ms (default 30 000, as the PVE web UI): NATs and reverse proxies drop idle connections. */
  keepaliveMs?: number;
  /** Aborts opening the console (not the open console: destroy the stream for that). */
  signal?: AbortSignal;
}

export interface ShellOptions extends Omit<TerminalOptions, 'serial'> {
  /**
   * What the node shell runs, for root@pam only (others always get a login prompt): `login`
   * (default), `upgrade` (PVE: pveupgrade --shell; PBS: apt full-upgrade, then a shell),
   * `ceph_install` (PVE: pveceph install, with `cmdOpts` as its arguments).
   */
  cmd?: 'login' | 'upgrade' | 'ceph_install';
  /** Arguments for `ceph_install` (sent as `cmd-opts`, NUL-separated). */
  cmdOpts?: readonly string[];
}

const enc = encodeURIComponent;

export class ConsoleHelper {
  readonly #ctx: ConsoleContext;

  constructor(ctx: ConsoleContext) {
    this.#ctx = ctx;
  }

  /** Finds a guest's node and type by its VMID (GET /cluster/resources). */
  async locate(vmid: number, options: { signal?: AbortSignal } = {}): Promise<GuestRef> {
    if (!Number.isInteger(vmid) || vmid < 100) throw new InvalidArgumentError(`not a VMID: ${vmid}`);
    const list = (await this.#ctx.call(
      'GET',
      '/cluster/resources',
      { type: 'vm' },
      options.signal,
    )) as Array<{
      vmid?: number | string;
      node?: string;
      type?: string;
    }>;
    const hit = list.find((r) => Number(r.vmid) === vmid && (r.type === 'qemu' || r.type === 'lxc'));
    if (hit?.node === undefined)
      throw new GuestLookupError(`guest ${vmid} does not exist`, { reason: 'not-found' });
    return { node: hit.node, vmid, type: hit.type as GuestKind };
  }

  /** The serial console of a VM (`qm terminal`) or the console of a container (`lxc-console`). */
  async terminal(guest: GuestRef | number, options: TerminalOptions = {}): Promise<TerminalStream> {
    assertWebsocketBackend(this.#ctx.options);
    const ref = await this.#ref(guest, options.signal);
    const params = ref.type === 'qemu' && options.serial !== undefined ? { serial: options.serial } : {};
    return this.#terminal(guestBase(ref), params, options);
  }

  /** A shell on the node: root@pam gets a root shell, anyone else a login prompt (as on PVE). */
  async shell(node: string, options: ShellOptions = {}): Promise<TerminalStream> {
    assertWebsocketBackend(this.#ctx.options);
    const params: Record<string, string> = {};
    if (options.cmd !== undefined) params.cmd = options.cmd;
    if (options.cmdOpts !== undefined) params['cmd-opts'] = options.cmdOpts.join('\0');
    return this.#terminal(`/nodes/${enc(node)}`, params, options);
  }

  /** A guest's display as raw RFB; the stream's `password` answers its VNC Authentication. */
  async vnc(guest: GuestRef | number, options: { signal?: AbortSignal } = {}): Promise<VncStream> {
    assertWebsocketBackend(this.#ctx.options);
    const base = guestBase(await this.#ref(guest, options.signal));
    const ticket = (await this.#ctx.call(
      'POST',
      `${base}/vncproxy`,
      { websocket: 1 },
      options.signal,
    )) as ProxyTicket;
    const ws = await openConsoleSocket(this.#ctx, base, ticket, options.signal);
    return new VncWire(ws, ticket.password, ticket.upid);
  }

  #ref(guest: GuestRef | number, signal: AbortSignal | undefined): Promise<GuestRef> {
    if (typeof guest === 'number') return this.locate(guest, signal === undefined ? {} : { signal });
    if (!Number.isInteger(guest.vmid) || guest.vmid < 100)
      throw new InvalidArgumentError(`not a VMID: ${guest.vmid}`);
    if (guest.type !== 'qemu' && guest.type !== 'lxc')
      throw new InvalidArgumentError(`guest type must be 'qemu' or 'lxc', not '${String(guest.type)}'`);
    return Promise.resolve(guest);
  }

  /**
   * Whom the ticket line names: termproxy checks the ticket against a full auth id. PVE
   * answers one (`user`, Nodes.pm); PBS answers the bare user name (proxmox-backup
   * src/api2/node/mod.rs termproxy, "FIXME: We're returning the user NAME only?") while its
   * ticket is bound to `name@realm`, so the web UIs send their own login name; so does this.
   */
  #authId(answered: string): string {
    if (answered.includes('@')) return answered;
    const o = this.#ctx.options;
    if (o.userid === undefined) return answered;
    return o.auth === 'token' ? `${o.userid}!${o.tokenName}` : o.userid;
  }

  async #terminal(
    base: string,
    params: Record<string, string>,
    options: ShellOptions,
  ): Promise<TerminalStream> {
    const ticket = (await this.#ctx.call('POST', `${base}/termproxy`, params, options.signal)) as ProxyTicket;
    const ws = await openConsoleSocket(this.#ctx, base, ticket, options.signal);
    const stream = new TerminalWire(ws, {
      user: this.#authId(ticket.user),
      ticket: ticket.ticket,
      token: this.#ctx.options.auth === 'token',
      upid: ticket.upid,
      ...(options.keepaliveMs === undefined ? {} : { keepaliveMs: options.keepaliveMs }),
    });
    // Until the caller holds the stream, a refusal is this promise's rejection, not an 'error' event.
    const quiet = () => {};
    stream.on('error', quiet);
    try {
      await stream.ready();
    } finally {
      stream.off('error', quiet);
    }
    if (options.cols !== undefined && options.rows !== undefined) stream.resize(options.cols, options.rows);
    return stream;
  }
}

const guestBase = (g: GuestRef) => `/nodes/${enc(g.node)}/${g.type}/${g.vmid}`;
