/**
 * Keeps secrets out of messages. Each client registers what it knows to be secret
 * (password, token secret, ticket, CSRF token, OTP); text is scrubbed before it is stored in an error.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would scrub ordinary words; no real secret is that short.
    if (secret !== undefined && secret.length >= 4) {
      this.#secrets.add(secret);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) this.#secrets.add(encoded);
    }
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  }
}
