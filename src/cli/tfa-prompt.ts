/**
 * The second factor of a login, asked on the terminal when nothing else gives it
 * (PROXMOX_TOTP_SECRET, a profile's totpSecret, PROXMOX_OTP). The SDK calls this as its
 * `onTfa` when the server answers a password login with a TFA challenge.
 */
import { AuthenticationError } from '../core/errors.js';
import type { TfaAnswer, TfaChallenge } from '../options/options.js';
import { promptSecret } from './prompt.js';

const HOW =
  'set PROXMOX_TOTP_SECRET (or totpSecret in the profile), PROXMOX_OTP for one code, or run on a terminal to be asked';

/** What to ask for, from what the challenge offers. */
function question(c: TfaChallenge): string {
  const left = c.recovery.length === 1 ? '1 recovery key left' : `${c.recovery.length} recovery keys left`;
  if (c.totp && c.recovery.length > 0)
    return `Two-factor code for ${c.userid} (TOTP code, or a recovery key; ${left}): `;
  if (c.totp) return `TOTP code for ${c.userid}: `;
  return `Recovery key for ${c.userid} (${left}): `;
}

/** Six to eight digits are a TOTP code; anything else is a recovery key when the user has one. */
export function tfaAnswerOf(text: string, c: TfaChallenge): TfaAnswer {
  const compact = text.replace(/\s/g, '');
  if (compact === '') throw new AuthenticationError(`no two-factor code given for ${c.userid}`);
  if (/^\d{6,8}$/.test(compact) && c.totp) return { totp: compact };
  if (c.recovery.length > 0) return { recovery: text.trim() };
  return { totp: compact };
}

/** An `onTfa` for the CLI: asks on a terminal (no echo), or says how to give the code. */
export function terminalTfa(interactive: boolean): (c: TfaChallenge) => Promise<TfaAnswer> {
  return async (c) => {
    if (!c.totp && c.recovery.length === 0) {
      const kinds = c.other.length > 0 ? ` (${c.other.join(', ')})` : '';
      throw new AuthenticationError(
        `${c.userid} needs a second factor this client cannot give${kinds}: register TOTP or use an API token`,
      );
    }
    if (!interactive || !process.stdin.isTTY) {
      throw new AuthenticationError(`${c.userid} needs a second factor: ${HOW}`);
    }
    return tfaAnswerOf(await promptSecret(question(c)), c);
  };
}
