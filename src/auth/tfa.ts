/**
 * The second step of a two-factor login (PVE 7+ `new-format=1`, the only flow on PVE 8+,
 * PBS and PDM): the first answer carries a ticket with `!tfa!<urlencoded JSON challenge>`.
 */
import { AuthenticationError } from '../core/errors.js';
import type { TfaAnswer, TfaChallenge } from '../options/options.js';
import { totp } from './totp.js';

export function isTfaTicket(ticket: string): boolean {
  return ticket.includes('!tfa!');
}

/** Reads what the challenge offers; unknown shapes give an empty offer rather than a crash. */
export function parseTfaChallenge(ticket: string, userid: string): TfaChallenge {
  const start = ticket.indexOf('!tfa!') + 5;
  const end = ticket.indexOf(':', start);
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(decodeURIComponent(ticket.slice(start, end === -1 ? undefined : end)));
  } catch {
    // A challenge we cannot read still allows a TOTP attempt.
  }
  const recovery = Array.isArray(raw.recovery) ? raw.recovery.filter((n) => typeof n === 'number') : [];
  const other = Object.keys(raw).filter((k) => k !== 'totp' && k !== 'recovery' && raw[k]);
  return { userid, totp: raw.totp === true || raw.totp === 1, recovery, other };
}

/** `totp:123456` or `recovery:abcd-...`, the password of the second login request. */
export function tfaResponse(answer: TfaAnswer): string {
  if (typeof answer === 'string') return `totp:${answer.replace(/\s/g, '')}`;
  if ('totp' in answer) return `totp:${answer.totp.replace(/\s/g, '')}`;
  if ('recovery' in answer) return `recovery:${answer.recovery.trim()}`;
  throw new AuthenticationError('onTfa returned something that is neither a code nor { recovery }');
}

/** The current code for a base32 TOTP secret (RFC 6238, 30 s, 6 digits, as Proxmox uses). */
export async function totpCode(secret: string): Promise<string> {
  return totp(secret);
}
