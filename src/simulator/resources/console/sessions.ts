/**
 * The consoles a simulated node has handed out: one per port from 5900 to 5999
 * (PVE::Tools::next_vnc_port), each waiting for exactly one websocket. termproxy and
 * vncproxy give up when no client comes within 10 seconds (termproxy's listen_and_accept,
 * the vncproxy worker's alarm), and the worker task ends with them.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest } from '../../state/cluster-state.js';
import type { TaskRecord } from '../../state/tasks.js';
import type { TicketKind } from './vnc-ticket.js';

export const FIRST_PORT = 5900;
export const LAST_PORT = 5999;
/** How long a proxy waits for its client, in real milliseconds. */
export const ACCEPT_TIMEOUT_MS = 10_000;

/** What runs behind the port: a terminal (termproxy) or a VNC server (qm vncproxy / vncterm). */
export type ConsoleKind = 'term' | 'vnc';

/** The program the terminal runs: `qm terminal`, `lxc-console` (under dtach) or `login`. */
export type TerminalTarget =
  | { type: 'qemu'; guest: Guest; serial: string | undefined }
  | { type: 'lxc'; guest: Guest }
  /** `upgrade`: root@pam's node shell runs the upgrade wrapper first (Nodes.pm shell_cmd_map). */
  | { type: 'node'; node: string; upgrade?: boolean };

export interface ConsoleSession {
  port: number;
  kind: ConsoleKind;
  /** The PVEVNC ticket pinned to this proxy (termproxy's --ticket-fd). */
  ticket: string;
  /** The VNC protocol password (vncproxy only). */
  password?: string;
  authid: string;
  /** ACL path and privilege the proxy checks: `/vms/100` + VM.Console, `/nodes/pve1` + Sys.Console. */
  path: string;
  perm: string;
  target: TerminalTarget;
  task: TaskRecord;
  /** How its ticket is made and checked (PVE's PVEVNC or PBS's PBSTERM). */
  ticketKind: TicketKind;
  /** The worker's exit status when the proxy fails (its message goes to the log); else the message. */
  failureStatus?: string;
  timer: NodeJS.Timeout;
}

const registries = new WeakMap<EngineCore, Map<number, ConsoleSession>>();

export function sessionsOf(core: EngineCore): Map<number, ConsoleSession> {
  let map = registries.get(core);
  if (map === undefined) {
    map = new Map();
    registries.set(core, map);
  }
  return map;
}

export function freePort(core: EngineCore): number {
  const taken = sessionsOf(core);
  for (let port = FIRST_PORT; port <= LAST_PORT; port++) if (!taken.has(port)) return port;
  throw new SimError(500, 'unable to find free vnc port');
}

/** Ends the worker task, with an error text or OK, and frees the port. */
export function endSession(core: EngineCore, session: ConsoleSession, error?: string): void {
  clearTimeout(session.timer);
  const map = sessionsOf(core);
  if (map.get(session.port) === session) map.delete(session.port);
  const task = session.task;
  if (task.status !== 'running') return;
  if (error !== undefined) {
    task.log.push(error);
    const status = session.failureStatus ?? error;
    task.work = () => {
      throw new Error(status);
    };
  }
  task.endAt = core.clock.now();
  core.tasks.settle();
}

/** Hands the session to the one client that connected; later clients find the port closed. */
export function claimSession(core: EngineCore, port: number): ConsoleSession | undefined {
  const map = sessionsOf(core);
  const session = map.get(port);
  if (session === undefined) return undefined;
  clearTimeout(session.timer);
  map.delete(port);
  return session;
}

export function register(core: EngineCore, session: Omit<ConsoleSession, 'timer'>): ConsoleSession {
  const full = session as ConsoleSession;
  full.timer = setTimeout(
    () => endSession(core, full, 'failed waiting for client: timed out'),
    ACCEPT_TIMEOUT_MS,
  );
  full.timer.unref();
  sessionsOf(core).set(full.port, full);
  return full;
}

/** What each open guest terminal does when its guest's process ends, per vmid. */
const watchers = new WeakMap<EngineCore, Map<number, Set<() => void>>>();

/** Calls `onGone` when the guest stops (or its process restarts); returns the unsubscribe. */
export function watchGuest(core: EngineCore, vmid: number, onGone: () => void): () => void {
  let byVmid = watchers.get(core);
  if (byVmid === undefined) {
    byVmid = new Map();
    watchers.set(core, byVmid);
  }
  let set = byVmid.get(vmid);
  if (set === undefined) {
    set = new Set();
    byVmid.set(vmid, set);
  }
  set.add(onGone);
  return () => set.delete(onGone);
}

/**
 * The guest's QEMU process or container ended (stop, shutdown, the restart of a reboot):
 * every terminal attached to it loses the program behind its pty.
 */
export function guestProcessEnded(core: EngineCore, vmid: number): void {
  const set = watchers.get(core)?.get(vmid);
  if (set === undefined) return;
  watchers.get(core)?.delete(vmid);
  for (const onGone of set) onGone();
}
