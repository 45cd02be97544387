/**
 * The second step of a two-factor login (PVE 7+ `new-format=1`, the only flow on PVE 8+,
 * PBS and PDM): the first answer carries a ticket with `!tfa!<urlencoded JSON challenge>`.
 */
import { createHash } from 'node:crypto';
import { AbortError, AuthenticationError } from '../core/errors.js';
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

const STEP_MS = 30_000;

/**
 * Where the TOTP steps sent are remembered beyond this process, keyed by user (the one who
 * sets it binds the host). The `proxmox` CLI keeps them in a file, because each of its runs
 * is a new process (src/cli/totp-steps.ts); a program that stays up needs none.
 */
export interface TotpStepLog {
  /** The last step sent for `userid`, by any process, if known. */
  last(userid: string): number | undefined;
  /** Records `step` as sent for `userid`, before its code goes out. */
  sent(userid: string, step: number): void;
  /** Told before a login waits `ms` for a step that no one has sent. */
  waiting(userid: string, ms: number): void;
}

/** Process-wide on purpose: set by the CLI's entry, never by the SDK's public options. */
let stepLog: TotpStepLog | undefined;

export function useTotpStepLog(log: TotpStepLog | undefined): void {
  stepLog = log;
}

/**
 * The last TOTP step this process sent per secret and user. Proxmox refuses a step that is not
 * newer than the last one it accepted (proxmox-tfa api/mod.rs verify_totp, "rejecting reused
 * TOTP value"), so two logins in one 30 s window, from one client or two, need two steps.
 * Keyed by a hash: the secret itself is kept nowhere but in the options.
 */
const lastSent = new Map<string, number>();

const keyOf = (secret: string, userid: string): string =>
  createHash('sha256')
    .update(`${secret.replace(/[\s=]/g, '').toUpperCase()}\0${userid}`)
    .digest('hex');

/** The later of two steps, either of which may be unknown. */
const later = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/**
 * A code for a base32 TOTP secret (RFC 6238, 30 s, 6 digits, as Proxmox uses) whose step has
 * not been sent yet for `userid` (by this process, or by another the step log knows of): the
 * current step, else the next one (the server accepts one step ahead), else it waits until
 * the next step is current.
 */
export async function totpCode(
  secret: string,
  userid = '',
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<string> {
  const key = keyOf(secret, userid);
  const current = Math.floor(now() / STEP_MS);
  // A remembered step beyond what this clock could have sent (a clock set back, a damaged
  // file) would make every login wait: it is ignored.
  const remembered = stepLog?.last(userid);
  const last = later(
    lastSent.get(key),
    remembered !== undefined && remembered <= current + 1 ? remembered : undefined,
  );
  const step = last === undefined ? current : Math.max(current, last + 1);
  if (step > current + 1) {
    const ms = (step - 1) * STEP_MS - now();
    stepLog?.waiting(userid, ms);
    await sleep(ms, signal);
  }
  lastSent.set(key, step);
  stepLog?.sent(userid, step);
  return totp(secret, step * STEP_MS);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError('aborted while waiting for the next TOTP step'));
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new AbortError('aborted while waiting for the next TOTP step', { cause: signal?.reason }));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
