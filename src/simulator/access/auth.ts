/**
 * Who sent a request: a ticket cookie (plus a CSRF token on anything but GET) or an API
 * token header. Failures are 401, as pveproxy answers them.
 */
import { SERVICES } from '../../core/services.js';
import type { EngineCore } from '../engine/engine-core.js';
import { headerValue } from '../engine/parse-request.js';
import { SimError } from '../engine/sim-error.js';
import type { SimRequest } from '../engine/types.js';
import type { Subject } from './acl.js';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    let value = part.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // pveproxy keeps a value it cannot decode as it is; the ticket check then fails.
    }
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** Splits `user@realm!name<sep>secret` the way each server does. */
export function splitToken(
  core: EngineCore,
  value: string,
): { userid: string; tokenid: string; secret: string } | undefined {
  let id: string;
  let secret: string;
  if (SERVICES[core.service].tokenSeparator === '=') {
    // PVE splits on the last '=' (the id itself cannot contain one).
    const at = value.lastIndexOf('=');
    if (at < 0) return undefined;
    id = value.slice(0, at);
    secret = value.slice(at + 1);
  } else {
    // The Rust servers split on the first ':' and percent-decode the secret.
    const at = value.indexOf(':');
    if (at < 0) return undefined;
    id = value.slice(0, at);
    try {
      secret = decodeURIComponent(value.slice(at + 1));
    } catch {
      return undefined;
    }
  }
  const bang = id.indexOf('!');
  if (bang < 0) return undefined;
  return { userid: id.slice(0, bang), tokenid: id.slice(bang + 1), secret };
}

/**
 * A refused login at the auth layer. PVE (pve-manager PVE/HTTPServer.pm auth_handler) dies
 * with "Authentication failed!" or "No ticket", which pve-http-server turns into a bare 401
 * whose reason phrase is that text; proxmox-rest-server rest.rs answers every auth failure
 * with the body "authentication failed" and no Content-Type.
 */
export function authLayerFailure(core: EngineCore, perlText: string): SimError {
  if (!SERVICES[core.service].perlServer)
    return new SimError(401, 'authentication failed', undefined, 'text');
  return new SimError(401, perlText, undefined, 'empty');
}

function tokenSubject(core: EngineCore, header: string): Subject {
  const scheme = SERVICES[core.service].tokenScheme;
  const match = scheme ? new RegExp(`^${scheme}[= ](\\S+)$`).exec(header.trim()) : null;
  const parts = match?.[1] ? splitToken(core, match[1]) : undefined;
  if (!parts) throw authLayerFailure(core, 'Authentication failed!');
  const user = core.access.activeUser(parts.userid, core.clock.now());
  const token = user?.tokens.get(parts.tokenid);
  const nowS = core.clock.now() / 1000;
  if (!token || token.secret !== parts.secret || (token.expire > 0 && token.expire < nowS)) {
    throw authLayerFailure(core, 'Authentication failed!');
  }
  core.stats.tokenRequests++;
  return { userid: parts.userid, tokenid: parts.tokenid };
}

/** PMG's quarantine users get `PMGQUAR` tickets in their own cookie. */
export function ticketPrefixFor(core: EngineCore, userid: string): string {
  return core.service === 'PMG' && userid.endsWith('@quarantine')
    ? 'PMGQUAR'
    : SERVICES[core.service].ticketPrefix;
}

export function ticketFromCookies(
  core: EngineCore,
  req: SimRequest,
): { ticket: string; prefix: string } | undefined {
  const cookies = parseCookies(headerValue(req.headers, 'cookie'));
  const name = SERVICES[core.service].cookieName;
  const prefix = SERVICES[core.service].ticketPrefix;
  // PDM hands its ticket out as an HttpOnly `__Host-` cookie.
  const ticket = cookies.get(name) ?? cookies.get(`__Host-${name}`);
  if (ticket) return { ticket, prefix };
  const quarantine = core.service === 'PMG' ? cookies.get('PMGQUARAuthCookie') : undefined;
  return quarantine ? { ticket: quarantine, prefix: 'PMGQUAR' } : undefined;
}

/**
 * The ticket sent as `Authorization: PVEAuthCookie=<ticket>` (pve-http-server AnyEvent.pm
 * authenticate_and_handle_request: the cookie first, then this header, then a token).
 */
function ticketFromAuthorization(core: EngineCore, req: SimRequest): string | undefined {
  const header = headerValue(req.headers, 'authorization');
  const name = SERVICES[core.service].cookieName;
  const match = header ? new RegExp(`(?:^|\\s)${name}(?:=| )([^;]*)`).exec(header) : null;
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** Whether the request carries an API token header and no ticket (what PVE then uses). */
export function usesToken(core: EngineCore, req: SimRequest): boolean {
  const authorization = headerValue(req.headers, 'authorization');
  const scheme = SERVICES[core.service].tokenScheme;
  if (!authorization || !scheme || !authorization.startsWith(scheme)) return false;
  return ticketFromCookies(core, req) === undefined;
}

/**
 * pve-manager PVE/HTTPServer.pm auth_handler: uploads skip the CSRF check (HTML forms cannot
 * send the header) and need Datastore.AllocateTemplate on the storage instead.
 */
const UPLOAD_PATH = /^\/nodes\/[^/]+\/storage\/[^/]+\/upload$/;

/**
 * The authenticated subject, or a 401 SimError. `method` decides whether CSRF is needed;
 * `path` (below /api2/json) exempts PVE uploads from it.
 */
export function authenticate(core: EngineCore, req: SimRequest, method: string, path = ''): Subject {
  const perl = SERVICES[core.service].perlServer;
  const fromCookie = ticketFromCookies(core, req);
  const headerTicket = !fromCookie && core.service === 'PVE' ? ticketFromAuthorization(core, req) : undefined;
  const found =
    fromCookie ?? (headerTicket === undefined ? undefined : { ticket: headerTicket, prefix: 'PVE' });
  if (!found) {
    const authorization = headerValue(req.headers, 'authorization');
    const scheme = SERVICES[core.service].tokenScheme;
    if (authorization && scheme && authorization.startsWith(scheme)) return tokenSubject(core, authorization);
    throw authLayerFailure(core, 'No ticket');
  }
  const now = core.clock.now();
  const content = core.signer.verify(found.ticket, found.prefix, now);
  // A half-authenticated two-factor ticket opens nothing.
  if (!content || content.data.startsWith('!tfa!') || !core.access.activeUser(content.data, now)) {
    throw authLayerFailure(core, perl ? 'Authentication failed!' : 'authentication failed');
  }
  const upload = core.service === 'PVE' && method === 'POST' && UPLOAD_PATH.test(path);
  if (method !== 'GET' && !upload) {
    const csrf = headerValue(req.headers, 'csrfpreventiontoken');
    if (!csrf || !core.signer.verifyCsrf(csrf, content.data, now)) {
      // pve-common PVE/Ticket.pm verify_csrf_prevention_token raises a 401 PVE::Exception.
      if (!perl) throw authLayerFailure(core, '');
      throw new SimError(401, 'Permission denied - invalid csrf token', undefined, 'empty');
    }
  }
  return { userid: content.data };
}
