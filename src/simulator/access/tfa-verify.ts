/**
 * The second step of a login as proxmox-tfa's TfaConfig::verify runs it
 * (proxmox-tfa/src/api/mod.rs), with the limits of OpenUserChallengeData's defaults, which
 * PVE (proxmox-perl-rs pve-rs/src/bindings/tfa.rs), PMG (pmg-rs) and PBS (src/config/tfa.rs)
 * keep: every failed answer counts in `tfa_failures`, and the 100th in a row blocks all
 * second factors, recovery keys too, for an hour (`tfa_locked_until`); TOTP failures also
 * count on their own and lock TOTP at 8 (totp-login.ts). A locked answer is refused without
 * being looked at and counts nowhere (TfaResult::Locked). At login both ends look the same
 * as a wrong code: PVE's authenticate_2nd_new_do dies ("TOTP limit reached, locked", "TFA
 * limit reached, user locked out", "failed 2nd factor") inside create_ticket, which answers
 * 401 `authentication failure`.
 */
import type { UserRecord } from '../state/access-state.js';
import { checkTotpLogin, recoveryUsed } from './totp-login.js';

/** OpenUserChallengeData::tfa_failure_limit's default. */
export const TFA_FAILURE_LIMIT = 100;
/** OpenUserChallengeData::tfa_failure_lock_time's default, in seconds. */
export const TFA_FAILURE_LOCK_SECONDS = 3600;

const epochSeconds = (nowMs: number): number => Math.floor(nowMs / 1000);

export function hasSecondFactor(user: UserRecord): boolean {
  return user.totpSecret !== undefined || user.recovery.some((c) => c !== null);
}

/** TfaUserData::tfa_is_locked: the block's end, while it lasts. */
export function tfaLockedUntil(user: UserRecord, nowMs: number): number | undefined {
  const until = user.tfaLockedUntil;
  return until !== undefined && epochSeconds(nowMs) < until ? until : undefined;
}

function checkRecovery(user: UserRecord, value: string): boolean {
  const index = user.recovery.findIndex((c) => c !== null && c === value.trim());
  if (index < 0) return false;
  user.recovery[index] = null;
  recoveryUsed(user);
  return true;
}

/**
 * One answer (`totp:123456`, `recovery:abcd-...`; TfaResponse's prefixes). An answer of no
 * known kind fails to parse before verify and counts nowhere; `u2f:` and `webauthn:` name
 * factors the simulator never configures, so they fail like a wrong code.
 */
export function verifySecondFactor(user: UserRecord, answer: string, nowMs: number): boolean {
  const colon = answer.indexOf(':');
  const kind = colon < 0 ? '' : answer.slice(0, colon);
  const value = answer.slice(colon + 1);
  if (!['totp', 'recovery', 'u2f', 'webauthn'].includes(kind)) return false;
  if (tfaLockedUntil(user, nowMs) !== undefined) return false;
  if (kind === 'totp' && user.totpLocked) return false;
  const ok =
    kind === 'totp'
      ? checkTotpLogin(user, value, nowMs)
      : kind === 'recovery'
        ? checkRecovery(user, value)
        : false;
  if (ok) {
    user.tfaFailures = 0;
    return true;
  }
  user.tfaFailures = (user.tfaFailures ?? 0) + 1;
  if (user.tfaFailures >= TFA_FAILURE_LIMIT)
    user.tfaLockedUntil = epochSeconds(nowMs) + TFA_FAILURE_LOCK_SECONDS;
  return false;
}

/**
 * TfaConfig::unlock_and_reset_tfa (`PUT /access/users/{userid}/unlock-tfa`): clears both
 * locks and both counters; answers whether the user was locked (TOTP, or a block still running).
 */
export function unlockTfa(user: UserRecord, nowMs: number): boolean {
  const wasLocked = user.totpLocked === true || tfaLockedUntil(user, nowMs) !== undefined;
  delete user.totpLocked;
  delete user.tfaLockedUntil;
  delete user.totpFailures;
  delete user.tfaFailures;
  return wasLocked;
}

/**
 * The lock fields users and TFA lists carry (pve-rs TfaLockStatus, proxmox-tfa TfaUser,
 * pbs-api-types UserWithTokens): `totp-locked` only when set, `tfa-locked-until` only while
 * the block lasts (list_tfa filters it by the clock, the config reader drops expired ones).
 */
export function tfaLockFields(user: UserRecord, nowMs: number, truth: true | 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (user.totpLocked) out['totp-locked'] = truth;
  const until = tfaLockedUntil(user, nowMs);
  if (until !== undefined) out['tfa-locked-until'] = until;
  return out;
}
