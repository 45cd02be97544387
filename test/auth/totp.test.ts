/**
 * The client's TOTP (src/auth/totp.ts) against RFC 6238 appendix B (the SHA-1 rows) and
 * RFC 4648's base32 vectors; the login flow itself is tested against the simulator's own,
 * separately written TOTP check (test/integration/https-auth.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/auth/totp.js';
import { isInvalidArgumentError } from '../../src/core/errors.js';

// RFC 6238's seed "12345678901234567890" in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totp (RFC 6238)', () => {
  for (const [seconds, code] of [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ] as const) {
    it(`gives ${code} at T=${seconds} (8 digits) and its last 6 by default`, () => {
      expect(totp(RFC_SECRET, seconds * 1000, 8)).toBe(code);
      expect(totp(RFC_SECRET, seconds * 1000)).toBe(code.slice(2));
    });
  }

  it('reads secrets in lower case, with spaces and padding', () => {
    expect(totp('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 59_000)).toBe('287082');
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar'); // RFC 4648 section 10
    expect(base32Decode('MZXW6').toString()).toBe('foo');
  });

  it('refuses a secret that is not base32, without repeating it', () => {
    let thrown: unknown;
    try {
      totp('not-base32-s3cr3t!');
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidArgumentError(thrown)).toBe(true);
    expect(String((thrown as Error).message)).not.toContain('s3cr3t');
  });
});
