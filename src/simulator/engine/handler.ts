/** What a resource handler gets and may return. */
import type { ServiceName } from '../../core/services.js';
import type { Subject } from '../access/acl.js';
import { perlPrivilegeDenial } from '../access/permissions.js';
import type { EngineCore } from './engine-core.js';
import type { MultipartPart } from './multipart.js';
import type { EnvelopeExtras } from './reply.js';
import type { MethodInfo } from './router.js';
import { SimError } from './sim-error.js';
import type { SimParams } from './types.js';

export interface HandlerContext {
  core: EngineCore;
  service: ServiceName;
  method: string;
  /** The route template, e.g. `/nodes/{node}/qemu`. */
  route: string;
  /** Path and request parameters merged, path parameters decoded. */
  params: SimParams;
  files: MultipartPart[];
  /** Undefined only on endpoints open without login. */
  subject: Subject | undefined;
  /** The method's schema facts (permissions, parameters, returns). */
  info: MethodInfo;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
}

/** An answer with more than `data`: envelope extras or response headers. */
export class Reply {
  constructor(
    readonly data: unknown,
    readonly extras: EnvelopeExtras = {},
    readonly headers: Record<string, string> = {},
    /** Sent as built, not adjusted to `returns` (PVE sends some integers as strings). */
    readonly raw = false,
  ) {}
}

export type Handler = (ctx: HandlerContext) => unknown;

/** `'GET /nodes/{node}/qemu'` -> handler. */
export type HandlerTable = Record<string, Handler>;

export const str = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The subject as PVE writes it in UPIDs and task lists: `user@realm` or `user@realm!token`. */
export function authId(subject: Subject | undefined): string {
  if (!subject) return 'root@pam';
  return subject.tokenid === undefined ? subject.userid : `${subject.userid}!${subject.tokenid}`;
}

/**
 * For methods whose schema says `user: all` and whose servers check privileges in code
 * (VM create, pool members, ...): 403 naming the path and the privilege, as PVE does.
 */
export function requirePrivs(ctx: HandlerContext, path: string, privs: string[], any = false): void {
  if (!ctx.subject) return;
  const denial = perlPrivilegeDenial(ctx.core.access, ctx.subject, path, privs, any);
  if (denial) throw new SimError(403, denial);
}
