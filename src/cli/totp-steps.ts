/**
 * The TOTP steps the CLI has sent, per user and host, in `totp-steps.json` beside the profile
 * store. Each `proxmox` run is a new process, and the server takes each 30 s step once per user
 * (proxmox-tfa api/mod.rs verify_totp, "rejecting reused TOTP value"): without this file a
 * third run within one window had no unused step left that it knew of, and every refused code
 * counts toward the TOTP lockout. The file holds `user@realm`, host and step only: no secret,
 * no code, so a step alone gives nothing away. It is a cache: a damaged one is ignored and
 * replaced, and an entry whose step is past gets dropped.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { type TotpStepLog, useTotpStepLog } from '../auth/tfa.js';
import type { ProxmoxOptions } from '../options/options.js';

export const TOTP_STEPS_FILE = 'totp-steps.json';

interface Entry {
  user: string;
  host: string;
  step: number;
}

/** The entries of the file; anything unreadable or malformed reads as none. */
function readEntries(path: string): Entry[] {
  let text: string;
  try {
    // O_NOFOLLOW: a link put in the file's place is not read through.
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const data = JSON.parse(text) as { steps?: unknown };
    if (!Array.isArray(data.steps)) return [];
    return data.steps.filter(
      (e): e is Entry =>
        typeof e?.user === 'string' && typeof e.host === 'string' && Number.isSafeInteger(e.step),
    );
  } catch {
    return [];
  }
}

/** Replaces the file in one rename: a new file (0600, created exclusively) in the same directory. */
function writeEntries(path: string, entries: Entry[]): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify({ steps: entries }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temp, path);
  } catch {
    // Only a cache: a login does not fail because it cannot be written (a read-only home).
    rmSync(temp, { force: true });
  }
}

/**
 * A step log for one host, kept in `dir` (the profile store's directory). `say` gets the one
 * line a login that must wait for the next step prints.
 */
export function totpStepFile(dir: string, host: string, say: (line: string) => void): TotpStepLog {
  const path = join(dir, TOTP_STEPS_FILE);
  return {
    last(user) {
      return readEntries(path).find((e) => e.user === user && e.host === host)?.step;
    },
    sent(user, step) {
      // Steps older than the previous one are outside the server's window: nothing to skip.
      const kept = readEntries(path).filter(
        (e) => !(e.user === user && e.host === host) && e.step >= step - 1,
      );
      writeEntries(path, [...kept, { user, host, step }]);
    },
    waiting(user, ms) {
      say(
        `waiting ${Math.ceil(ms / 1000)} s for the next TOTP step: the codes of the current ones were used for ${user} on ${host} (each logs in once)`,
      );
    },
  };
}

/**
 * Makes this run's TOTP codes skip the steps earlier runs sent to the same host, and record
 * theirs. Only for HTTPS logins with a TOTP secret: the mock backend's simulator lives and
 * dies with the process.
 */
export function rememberTotpSteps(options: ProxmoxOptions, dir: string): void {
  if (options.totpSecret === undefined || (options.backend ?? 'https') !== 'https') return;
  const hosts = [options.host ?? []].flat().join(',');
  const host = options.port === undefined ? hosts : `${hosts} port ${options.port}`;
  useTotpStepLog(totpStepFile(dir, host, (line) => process.stderr.write(`${line}\n`)));
}
