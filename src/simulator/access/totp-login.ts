/**
 * The TOTP step of a login as proxmox-tfa checks it (proxmox-tfa/src/api/mod.rs
 * TfaConfig::verify and TfaUserData::verify_totp). PVE (proxmox-perl-rs pve-rs
 * bindings/tfa.rs), PMG (pmg-rs tfa.rs) and PBS (src/config/tfa.rs) all turn
 * `enable_lockout` on, so a code whose step is not newer than the last accepted one is refused
 * ("rejecting reused TOTP value"): one code logs in once, even within its 30 seconds.
 */
import type { UserRecord } from '../state/access-state.js';
import { totpCounter } from './totp.js';

/** OpenUserChallengeData::totp_failure_limit's default: this many failures in a row lock TOTP. */
export const TOTP_FAILURE_LIMIT = 8;

export function checkTotpLogin(user: UserRecord, code: string, nowMs: number): boolean {
  if (user.totpSecret === undefined) return false;
  // TfaResult::Locked: refused without looking at the code, and not counted again.
  if (user.totpLocked) return false;
  const counter = totpCounter(user.totpSecret, code, nowMs);
  if (counter !== undefined && (user.totpLastCount === undefined || counter > user.totpLastCount)) {
    user.totpLastCount = counter;
    user.totpFailures = 0;
    return true;
  }
  // A wrong code and a reused one count alike (verify_totp adds to totp_failures for both).
  user.totpFailures = (user.totpFailures ?? 0) + 1;
  if (user.totpFailures >= TOTP_FAILURE_LIMIT) user.totpLocked = true;
  return false;
}

/** TfaUserData::verify_recovery: a good recovery key clears both locks and the TOTP failures. */
export function recoveryUsed(user: UserRecord): void {
  user.totpLocked = false;
  user.totpFailures = 0;
  delete user.tfaLockedUntil;
}

/** A new or removed TOTP entry starts with no last count (TotpEntry last_count i64::MIN). */
export function resetTotpState(user: UserRecord): void {
  delete user.totpLastCount;
  delete user.totpFailures;
  delete user.totpLocked;
}
