/**
 * VNC tickets as pve-access-control makes them (PVE::AccessControl::assemble_vnc_ticket):
 * `PVEVNC:HEXTIME::SIGNATURE`, the user, the ACL path and the port bound into the
 * signature only, never in plain text. They are short-lived: verify_short_lived_ticket
 * accepts an age from -20 to 40 seconds. A ticket from vncproxy carries the VNC password
 * in front (`PASSWORD:PVEVNC:...`), which verify_vnc_ticket strips.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { EngineCore } from '../../engine/engine-core.js';

const MIN_AGE_S = -20;
const MAX_AGE_S = 40;

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

export function assembleVncTicket(core: EngineCore, authid: string, path: string, port: number): string {
  const plain = `PVEVNC:${hexTime(core.clock.now())}`;
  return `${plain}::${sign(core, `${plain}:${authid}:${path}:${port}`)}`;
}

/** Whether the ticket was made for this auth id, path and port, and is young enough. */
export function verifyVncTicket(
  core: EngineCore,
  ticket: string,
  authid: string,
  path: string,
  port: number | undefined,
): boolean {
  const match = /^(?:.{8}:)?(PVEVNC:([0-9A-F]{8}))::([A-Za-z0-9+/]+)$/.exec(ticket);
  if (!match) return false;
  const expected = Buffer.from(sign(core, `${match[1]}:${authid}:${path}:${port ?? ''}`));
  const given = Buffer.from(match[3] ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  const age = Math.floor(core.clock.now() / 1000) - Number.parseInt(match[2] ?? '', 16);
  return age >= MIN_AGE_S && age <= MAX_AGE_S;
}

/** PVE::Ticket::generate_vnc_password: 8 printable ASCII characters, '!' to '~'. */
export function generateVncPassword(): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += String.fromCharCode(randomInt(0x21, 0x7f));
  return out;
}
