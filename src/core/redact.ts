/**
 * Keeps secrets out of messages. Each client registers what it knows to be secret
 * (password, token secret, ticket, CSRF token, OTP, proxy credentials); text is scrubbed
 * before it is stored in an error.
 *
 * A server that echoes a secret rarely echoes it as sent: it comes back percent-encoded
 * (a form body, a query), with `+` for spaces, JSON-escaped (a JSON body: quotes,
 * backslashes, and non-ASCII as `\uXXXX` from Perl's and Python's encoders), or
 * HTML-escaped in an error page. Each of these forms is scrubbed.
 *
 * Long secrets are scrubbed wherever they appear. Short ones (under 6 characters, a weak
 * but real password) are scrubbed where they stand alone, between characters that are not
 * letters or digits: scrubbing `abc` inside every word would wreck the message and tell
 * anyone who compares it with the original what the secret is.
 */

const SCRUB_ANYWHERE = 6;
const MASK = '***';

export class Redactor {
  readonly #anywhere = new Set<string>();
  readonly #alone = new Set<string>();
  #pattern: RegExp | undefined;
  #ordered: string[] | undefined;

  add(secret: string | undefined): void {
    if (typeof secret !== 'string' || secret === '') return;
    for (const form of secretForms(secret)) {
      if (form.length >= SCRUB_ANYWHERE) this.#anywhere.add(form);
      else this.#alone.add(form);
    }
    this.#pattern = undefined;
    this.#ordered = undefined;
  }

  scrub(text: string): string {
    let out = text;
    // Longest first: a ticket may contain a shorter secret, and must go whole.
    this.#ordered ??= [...this.#anywhere].sort((a, b) => b.length - a.length);
    for (const secret of this.#ordered) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    if (this.#alone.size > 0) {
      this.#pattern ??= new RegExp(
        `(?<![\\p{L}\\p{N}])(?:${[...this.#alone]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join('|')})(?![\\p{L}\\p{N}])`,
        'gu',
      );
      out = out.replace(this.#pattern, MASK);
    }
    return out;
  }

  /** A map of the server's words (`errors`): keys are the server's too, and are scrubbed alike. */
  scrubRecord(map: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(map)) out[this.scrub(key)] = this.scrub(value);
    return { ...out };
  }
}

/** The ways a secret comes back from a server that echoes it. */
export function secretForms(secret: string): Set<string> {
  const forms = new Set([secret]);
  try {
    const encoded = encodeURIComponent(secret);
    forms.add(encoded);
    forms.add(encoded.replace(/%20/g, '+'));
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  } catch {
    // A lone surrogate cannot be percent-encoded, so it never went out that way either.
  }
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  const ascii = json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  forms.add(ascii);
  forms.add(ascii.replace(/\\u[0-9a-f]{4}/g, (m) => `\\u${m.slice(2).toUpperCase()}`));
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(htmlEscape(secret));
  forms.delete('');
  return forms;
}

function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * A URL with its user and password replaced by `***` (a proxy URL shown in options or a
 * profile). Text that is no URL is masked whole after any `@`, as it may still hold them.
 */
export function maskUrlCredentials(url: string): string {
  return url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^@]*@/i,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}

/**
 * The secrets of a URL's userinfo (`http://user:password@proxy:3128`): the password, and
 * `user:password` as it goes out in a Basic Proxy-Authorization header, plain and base64.
 */
export function urlSecrets(url: string | false | undefined): string[] {
  if (typeof url !== 'string') return [];
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*(?:\/[^@]*)?)@/i.exec(url)?.[1];
  if (userinfo === undefined) return [];
  const colon = userinfo.indexOf(':');
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? '' : decode(userinfo.slice(colon + 1));
  const pair = `${user}:${password}`;
  return [
    password,
    colon < 0 ? '' : userinfo.slice(colon + 1),
    pair,
    Buffer.from(pair).toString('base64'),
  ].filter((s) => s !== '');
}
