/**
 * Tickets and CSRF tokens in Proxmox's text format, signed with a per-engine key.
 * `PVE:user@realm:HEXTIME::SIGNATURE`; a half-authenticated two-factor ticket carries
 * `!tfa!<urlencoded challenge>` in place of the user, with the user bound into the
 * signature only (as pve-access-control does with its "additional authenticated data").
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tickets live 2 hours; a ticket up to 5 minutes in the future is accepted (clock skew). */
export const TICKET_LIFETIME_S = 7200;
export const TICKET_SKEW_S = 300;

/** The ages, in seconds, a ticket may have: from `min` (issued in the future) to `max`. */
export interface TicketWindow {
  min: number;
  max: number;
}

export const TICKET_WINDOW: TicketWindow = { min: -TICKET_SKEW_S, max: TICKET_LIFETIME_S };

export interface TicketContent {
  prefix: string;
  /** `user@realm`, or `!tfa!<challenge>` for a half-authenticated ticket. */
  data: string;
  /** Seconds since the epoch. */
  issued: number;
}

const hexTime = (seconds: number): string => seconds.toString(16).toUpperCase().padStart(8, '0');

export class TicketSigner {
  readonly #key: Buffer;
  constructor(key: Buffer = randomBytes(32)) {
    this.#key = key;
  }

  #sign(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64').replace(/=+$/, '');
  }

  #equal(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  create(prefix: string, data: string, nowMs: number, aad?: string): string {
    const plain = `${prefix}:${data}:${hexTime(Math.floor(nowMs / 1000))}`;
    return `${plain}::${this.#sign(aad === undefined ? plain : `${plain}:${aad}`)}`;
  }

  /** The ticket's content if it is genuine and neither expired nor too far in the future. */
  verify(
    ticket: string,
    prefix: string,
    nowMs: number,
    aad?: string,
    window: TicketWindow = TICKET_WINDOW,
  ): TicketContent | undefined {
    const match = /^([A-Z]+):([^:]+):([0-9A-F]{8})::([A-Za-z0-9+/]+)$/.exec(ticket);
    if (!match || match[1] !== prefix) return undefined;
    const plain = `${match[1]}:${match[2]}:${match[3]}`;
    const expected = this.#sign(aad === undefined ? plain : `${plain}:${aad}`);
    if (!this.#equal(expected, match[4] ?? '')) return undefined;
    const issued = Number.parseInt(match[3] ?? '', 16);
    const age = Math.floor(nowMs / 1000) - issued;
    if (age < window.min || age > window.max) return undefined;
    return { prefix, data: match[2] ?? '', issued };
  }

  /** CSRF token `HEXTIME:SIGNATURE`, bound to the user; it lives as long as a ticket. */
  csrfToken(userid: string, nowMs: number): string {
    const time = hexTime(Math.floor(nowMs / 1000));
    return `${time}:${this.#sign(`csrf:${time}:${userid}`)}`;
  }

  verifyCsrf(token: string, userid: string, nowMs: number): boolean {
    const match = /^([0-9A-F]{8}):(.+)$/.exec(token);
    if (!match) return false;
    if (!this.#equal(this.#sign(`csrf:${match[1]}:${userid}`), match[2] ?? '')) return false;
    const age = Math.floor(nowMs / 1000) - Number.parseInt(match[1] ?? '', 16);
    return age >= -TICKET_SKEW_S && age <= TICKET_LIFETIME_S;
  }
}
