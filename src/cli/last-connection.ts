/**
 * The connection this process uses, recorded by connection.ts, for the advice printed after
 * a certificate refusal (certificate.ts). Its own module without imports: connection.ts is
 * loaded by every command and by completion, certificate.ts brings TLS and undici along.
 */
import type { ProxmoxOptions } from '../options/options.js';

let used: ProxmoxOptions | undefined;

export function rememberConnection(options: ProxmoxOptions): void {
  used = options;
}

export function usedConnection(): ProxmoxOptions | undefined {
  return used;
}
