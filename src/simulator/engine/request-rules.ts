/**
 * The checks a request meets between parsing and its handler, in the servers' order:
 * who must log in, unknown routes, path values the query contradicts, methods that refuse
 * tokens, and how long a refusal takes.
 */
import { SERVICES } from '../../core/services.js';
import type { Subject } from '../access/acl.js';
import { usesToken } from '../access/auth.js';
import type { EngineCore } from './engine-core.js';
import type { MethodInfo } from './router.js';
import { paramError, SimError } from './sim-error.js';
import type { SimParams, SimRequest } from './types.js';

/**
 * pve-manager PVE/HTTPServer.pm auth_handler lists the calls open without a login; every
 * other call, also an unknown one, authenticates first. PMG, PBS and PDM open the methods
 * whose permission is `world` (proxmox-rest-server rest.rs Formatted::handle_request).
 */
const PVE_OPEN = new Set([
  'GET /access/domains',
  'GET /access/ticket',
  'POST /access/ticket',
  'POST /access/vncticket',
  'POST /access/openid/login',
  'POST /access/openid/auth-url',
]);

export function needsAuth(
  service: EngineCore['service'],
  method: string,
  path: string,
  info: MethodInfo | undefined,
): boolean {
  if (service === 'PVE') return !PVE_OPEN.has(`${method} ${path}`);
  return (info?.permissions as { user?: string } | undefined)?.user !== 'world';
}

/**
 * PVE/HTTPServer.pm rest_handler: 501 "Method 'GET /x' not implemented" (after auth);
 * proxmox-rest-server rest.rs: 404 "Path '/api2/json/x' not found." (also after auth).
 */
export function unknownRoute(
  service: EngineCore['service'],
  method: string,
  path: string,
  format = 'json',
): SimError {
  if (!SERVICES[service].perlServer) return new SimError(404, `Path '/api2/${format}${path}' not found.`);
  return new SimError(501, `Method '${method} ${path}' not implemented`);
}

/**
 * PVE/HTTPServer.pm rest_handler: a query or body value that contradicts the path's is a
 * 400; the Rust servers let the path win silently.
 */
export function conflictingPathValues(
  service: EngineCore['service'],
  params: SimParams,
  pathParams: Record<string, string>,
): void {
  if (!SERVICES[service].perlServer) return;
  for (const [key, value] of Object.entries(pathParams)) {
    const given = Object.hasOwn(params, key) ? params[key] : undefined;
    if (given !== undefined && given !== value) {
      throw paramError({ [key]: 'duplicate parameter (already defined in URI) with conflicting values!' });
    }
  }
}

/**
 * PVE/HTTPServer.pm rest_handler: a method with `allowtoken => 0` answers a request that
 * carries a token header with 403 (raise_perm_exc), also where no login is needed
 * (`POST /access/ticket`), since the header is read before the method runs.
 */
export function refuseToken(
  core: EngineCore,
  req: SimRequest,
  info: MethodInfo,
  path: string,
  subject: Subject | undefined,
): void {
  if (info.allowtoken) return;
  const token = subject ? subject.tokenid !== undefined : core.service === 'PVE' && usesToken(core, req);
  if (token) {
    throw new SimError(
      403,
      `Permission check failed (URI '${path}' not available with API token, need proper ticket.)`,
    );
  }
}

/**
 * How long, from the request's start, a refusal takes. PVE/PMG: every 401 is padded to the
 * delay (pve-http-server AnyEvent.pm handle_api2_request), as is any auth-layer refusal
 * (authenticate_and_handle_request, `$delay = 3`). PBS/PDM (proxmox-rest-server rest.rs):
 * 401 waits delay_unauth_time, the router's 403 access_forbidden_time.
 */
export function refusalDelayMs(
  core: EngineCore,
  status: number,
  stage: 'auth' | 'permission' | 'other',
): number {
  const rust = !SERVICES[core.service].perlServer;
  if (status === 401 || (!rust && stage === 'auth' && status >= 400)) return core.authFailureDelayMs;
  if (rust && status === 403 && stage === 'permission') return core.forbiddenDelayMs;
  return 0;
}
