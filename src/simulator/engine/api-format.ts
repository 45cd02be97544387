/**
 * The output format in `/api2/<format>/...`. Both servers speak `json` and `extjs` (the
 * GUI's: every answer a 200 with `success`); the simulator speaks those two. Where an
 * unknown format is refused differs: pve-http-server AnyEvent.pm splits the format with
 * `[a-z][a-z0-9]+` before auth (501 "no such uri" when it does not match) and looks the
 * formatter up after auth (handle_api2_request: 501 "no formatter for uri ..."); the Rust
 * servers refuse it before auth (proxmox-rest-server rest.rs Formatted::handle_request:
 * 400 "Unsupported output format 'x'.").
 */
import { SimError } from './sim-error.js';

export type ApiFormat = 'json' | 'extjs';

const FORMATS: ReadonlySet<string> = new Set<ApiFormat>(['json', 'extjs']);

export const isApiFormat = (format: string): format is ApiFormat => FORMATS.has(format);

export interface ApiPath {
  /** The format word as sent; the engine refuses an unknown one after auth (PVE). */
  format: string;
  /** The path below `/api2/<format>`, still encoded, '' for the format's root. */
  rest: string;
}

/** Splits `/api2/<format>/rest`; `perlServer` picks pve-http-server's rules over the Rust ones. */
export function splitApiPath(rawPath: string, perlServer: boolean): ApiPath {
  if (perlServer) {
    const match = /^\/api2\/+([a-z][a-z0-9]+)(\/.*)?$/.exec(rawPath);
    if (!match) {
      if (rawPath === '/api2' || rawPath.startsWith('/api2/'))
        throw new SimError(501, 'no such uri', undefined, 'text');
      throw new SimError(404, 'Not Found');
    }
    return { format: match[1] ?? '', rest: match[2] ?? '' };
  }
  const parts = rawPath.split('/').filter((s) => s !== '');
  if (parts[0] !== 'api2') throw new SimError(404, 'Not Found');
  if (parts.length === 1) throw new SimError(404, `invalid api path '${rawPath}'`);
  const format = parts[1] ?? '';
  if (!isApiFormat(format)) throw new SimError(400, `Unsupported output format '${format}'.`);
  return { format, rest: `/${parts.slice(2).join('/')}` };
}

/** pve-http-server AnyEvent.pm handle_api2_request: after auth, 501 for a format it has no formatter for. */
export function requireFormatter(format: string, path: string): ApiFormat {
  if (isApiFormat(format)) return format;
  throw new SimError(501, `no formatter for uri ${path}, ${format}`, undefined, 'text');
}
