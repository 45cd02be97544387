/** The Redactor's rules (src/core/redact.ts): which forms of a secret it scrubs, and where. */
import { describe, expect, it } from 'vitest';
import { maskUrlCredentials, Redactor, urlSecrets } from '../../src/core/redact.js';

const redactor = (...secrets: string[]) => {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
};

describe('Redactor', () => {
  it('scrubs a short secret where it stands alone, not inside a word (that would wreck the text and hint at it)', () => {
    const r = redactor('abc');
    expect(r.scrub('password=abc&user=x')).toBe('password=***&user=x');
    expect(r.scrub('"abc"')).toBe('"***"');
    expect(r.scrub('abcdef xabc abc1')).toBe('abcdef xabc abc1');
  });

  it('scrubs a long secret anywhere, percent-encoded (both cases, + for space), JSON-, \\u- and HTML-escaped', () => {
    const secret = 'Long Pw/"<é>';
    const r = redactor(secret);
    const json = JSON.stringify(secret).slice(1, -1);
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      json,
      json.replace('é', '\\u00e9'),
      json.replace('é', '\\u00E9'),
      json.replace('/', '\\/'),
      'Long Pw/&quot;&lt;é&gt;',
    ];
    for (const form of forms) expect(r.scrub(`x${form}y`)).toBe('x***y');
  });

  it('scrubs the longest secret first, so a ticket holding a shorter secret goes whole', () => {
    const r = redactor('Secret-1234', 'PVE:root@pam:Secret-1234::sig');
    expect(r.scrub('ticket PVE:root@pam:Secret-1234::sig')).toBe('ticket ***');
  });

  it('scrubs the keys of an errors map as well as its values', () => {
    const r = redactor('Key-Secret-99');
    expect(r.scrubRecord({ 'Key-Secret-99': 'unknown property', ok: 'has Key-Secret-99' })).toEqual({
      '***': 'unknown property',
      ok: 'has ***',
    });
  });
});

describe('proxy URL credentials', () => {
  it('masks the userinfo of a proxy URL', () => {
    expect(maskUrlCredentials('http://squid:p%40ss@proxy:3128')).toBe('http://***@proxy:3128');
    expect(maskUrlCredentials('https://proxy:3128')).toBe('https://proxy:3128');
  });

  it('names the password (decoded and as written), user:password and its Basic base64 as secrets', () => {
    expect(urlSecrets('http://squid:p%40ss@proxy:3128')).toEqual([
      'p@ss',
      'p%40ss',
      'squid:p@ss',
      Buffer.from('squid:p@ss').toString('base64'),
    ]);
    expect(urlSecrets('http://proxy:3128')).toEqual([]);
    expect(urlSecrets(false)).toEqual([]);
  });
});
