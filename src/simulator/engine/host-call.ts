/**
 * The host-shell way in (`pvesh`, `pmgsh`, `proxmox-backup-debug api`): a call as root,
 * built as an authenticated request so it runs through the same routing and validation.
 */
import { SERVICES } from '../../core/services.js';
import type { EngineCore } from './engine-core.js';
import type { SimRequest, SimResponse } from './types.js';

export interface CallResult {
  status: number;
  statusText: string;
  data?: unknown;
  errors?: Record<string, string>;
  message?: string;
}

export function hostRequest(
  core: EngineCore,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  params: Record<string, string | string[]>,
): SimRequest {
  const encoded = path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  const hasBody = method === 'POST' || method === 'PUT';
  const query = !hasBody && search.size > 0 ? `?${search}` : '';
  const now = core.clock.now();
  const { ticketPrefix, cookieName } = SERVICES[core.service];
  const ticket = core.signer.create(ticketPrefix, 'root@pam', now);
  const headers: Record<string, string> = {
    cookie: `${cookieName}=${encodeURIComponent(ticket)}`,
    csrfpreventiontoken: core.signer.csrfToken('root@pam', now),
  };
  const req: SimRequest = { method, url: `/api2/json${encoded}${query}`, headers };
  if (hasBody) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    req.body = Buffer.from(search.toString());
  }
  return req;
}

export function callResult(response: SimResponse): CallResult {
  const text = response.body.toString();
  const result: CallResult = { status: response.status, statusText: response.statusText };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // PBS and PDM send an error's message as the bare body.
    result.message = text;
    return result;
  }
  if (response.status < 400) result.data = body.data;
  if (body.errors) result.errors = body.errors as Record<string, string>;
  if (typeof body.message === 'string') result.message = body.message;
  return result;
}
