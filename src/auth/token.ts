import type { ServiceInfo } from '../core/services.js';
import type { Authenticator } from './authenticator.js';

/** API token authentication: one fixed header, no login, no CSRF token (PROTOCOL.md). */
export class TokenAuth implements Authenticator {
  readonly #headers: Readonly<Record<string, string>>;

  constructor(service: ServiceInfo, userid: string, tokenName: string, tokenValue: string) {
    // PVE splits on the last '='; PBS and PDM split on the first ':' and percent-decode the secret.
    const secret = service.tokenSeparator === ':' ? encodeURIComponent(tokenValue) : tokenValue;
    this.#headers = Object.freeze({
      authorization: `${service.tokenScheme}=${userid}!${tokenName}${service.tokenSeparator}${secret}`,
    });
  }

  ready(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  async headers(): Promise<Readonly<Record<string, string>>> {
    return this.#headers;
  }

  async refused(): Promise<boolean> {
    return false;
  }

  async login(): Promise<void> {}
}
