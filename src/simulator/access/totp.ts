/**
 * RFC 6238 TOTP check, written here on purpose instead of reusing the client's library:
 * a bug shared by both sides of the wire would pass every test.
 */
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('invalid base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totpAt(secret: string, timeMs: number, step = 30, digits = 6): string {
  const counter = Math.floor(timeMs / 1000 / step);
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secret)).update(buf).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return code.toString().padStart(digits, '0');
}

/**
 * The time step (counter) `code` belongs to, trying the current step and one step of drift
 * each way in proxmox-tfa's order (totp.rs Totp::verify with -1..=1), or undefined.
 */
export function totpCounter(secret: string, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const current = Math.floor(nowMs / 30_000);
  for (const drift of [-1, 0, 1]) {
    if (totpAt(secret, (current + drift) * 30_000) === code) return current + drift;
  }
  return undefined;
}

/** Accepts the current code and its neighbours (one step of drift each way), as Proxmox does. */
export function verifyTotp(secret: string, code: string, nowMs: number): boolean {
  return totpCounter(secret, code, nowMs) !== undefined;
}
