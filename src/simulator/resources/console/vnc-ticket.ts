/**
 * VNC tickets as pve-access-control makes them (PVE::AccessControl::assemble_vnc_ticket):
 * `PVEVNC:HEXTIME::SIGNATURE`, the user, the ACL path and the port bound into the
 * signature only, never in plain text. They are short-lived: verify_short_lived_ticket
 * accepts an age from -20 to 40 seconds. A ticket from vncproxy carries the VNC password
 * in front (`PASSWORD:PVEVNC:...`), which verify_vnc_ticket strips.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { hasPrivileges } from '../../access/acl.js';
import type { EngineCore } from '../../engine/engine-core.js';

/** How a product makes its console tickets. */
export interface TicketKind {
  /** What comes before the hex time: `PVEVNC`, or `PBSTERM:` (its empty data field). */
  head: string;
  minAgeS: number;
  maxAgeS: number;
}

/** PVE: verify_short_lived_ticket accepts an age from -20 to 40 seconds. */
export const PVE_VNC: TicketKind = { head: 'PVEVNC', minAgeS: -20, maxAgeS: 40 };
/**
 * PBS: proxmox-auth-api Ticket<Empty> with prefix PBSTERM (`PBSTERM::HEXTIME::SIG`),
 * verified like any ticket: -300 s to its 2 h lifetime (ticket.rs verify, TICKET_LIFETIME).
 */
export const PBS_TERM: TicketKind = { head: 'PBSTERM:', minAgeS: -300, maxAgeS: 7200 };

const keys = new WeakMap<EngineCore, Buffer>();

function keyOf(core: EngineCore): Buffer {
  let key = keys.get(core);
  if (key === undefined) {
    key = randomBytes(32);
    keys.set(core, key);
  }
  return key;
}

const sign = (core: EngineCore, text: string): string =>
  createHmac('sha256', keyOf(core)).update(text).digest('base64').replace(/=+$/, '');

const hexTime = (ms: number): string =>
  Math.floor(ms / 1000)
    .toString(16)
    .toUpperCase()
    .padStart(8, '0');

export function assembleVncTicket(
  core: EngineCore,
  authid: string,
  path: string,
  port: number,
  kind: TicketKind = PVE_VNC,
): string {
  const plain = `${kind.head}:${hexTime(core.clock.now())}`;
  return `${plain}::${sign(core, `${plain}:${authid}:${path}:${port}`)}`;
}

/** Whether the ticket was made for this auth id, path and port, and is young enough. */
export function verifyVncTicket(
  core: EngineCore,
  ticket: string,
  authid: string,
  path: string,
  port: number | undefined,
  kind: TicketKind = PVE_VNC,
): boolean {
  const head = kind.head.replace(/[^A-Z:]/g, '');
  const match = new RegExp(`^(?:.{8}:)?(${head}:([0-9A-F]{8}))::([A-Za-z0-9+/]+)$`).exec(ticket);
  if (!match) return false;
  const expected = Buffer.from(sign(core, `${match[1]}:${authid}:${path}:${port ?? ''}`));
  const given = Buffer.from(match[3] ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  const age = Math.floor(core.clock.now() / 1000) - Number.parseInt(match[2] ?? '', 16);
  return age >= kind.minAgeS && age <= kind.maxAgeS;
}

/** PVE::Ticket::generate_vnc_password: 8 printable ASCII characters, '!' to '~'. */
export function generateVncPassword(): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += String.fromCharCode(randomInt(0x21, 0x7f));
  return out;
}

/**
 * The check termproxy has the API daemon make (PVE: POST /access/vncticket; PBS: /access/ticket
 * with the ticket as password, check_path_ticket): the ticket fits auth id, path and port,
 * and the auth id has the privileges on the path.
 */
export function consoleTicketValid(
  core: EngineCore,
  authid: string,
  ticket: string,
  path: string,
  privs: string,
  port: number | undefined,
  kind: TicketKind = PVE_VNC,
): boolean {
  if (!verifyVncTicket(core, ticket, authid, path, port, kind)) return false;
  const bang = authid.indexOf('!');
  const subject =
    bang < 0 ? { userid: authid } : { userid: authid.slice(0, bang), tokenid: authid.slice(bang + 1) };
  const list = privs.split(/[,;\s]+/).filter((p) => p !== '');
  return list.length > 0 && hasPrivileges(core.access, subject, path, list);
}
