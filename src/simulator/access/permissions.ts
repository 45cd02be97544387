/**
 * Evaluates a method's `permissions` from the schema. Three dialects:
 * PVE (Perl): `check: ['perm', '/vms/{vmid}', ['VM.Audit'], 'any', 1]`, `['and'|'or', ...]`,
 * `['userid-param', 'self']`, `['userid-group', [...]]`, `['perm-modify', '{path}']`;
 * PMG (Perl, no ACLs): `check` lists the roles let through, `['admin', 'audit']`;
 * PBS/PDM (Rust): `{check: {path: [...], privs, partial}}`, `{or: [...]}`, `{and: [...]}`,
 * `{userParam: 'userid'}`. All may say `user: 'all'|'world'`; no spec at all means root@pam only.
 */
import { SERVICES } from '../../core/services.js';
import type { SimParams } from '../engine/types.js';
import type { AccessState } from '../state/access-state.js';
import { hasPrivileges, isSuperuser, privilegesOn, type Subject } from './acl.js';

export interface PermissionContext {
  access: AccessState;
  subject: Subject;
  /** Path, query and body parameters: what the Perl servers check against. */
  params: SimParams;
  /**
   * The parameters taken from the URL path. The Rust servers check against these alone
   * (proxmox-rest-server passes the router's `uri_param`); without them, `params` is used.
   */
  pathParams?: Record<string, string>;
}

/** The reason a check failed, or undefined when it passed. */
export type Denial = string | undefined;

/** pve-common's `raise_perm_exc`, which PVE and PMG share. */
const perlDenial = (what?: string): string =>
  what === undefined ? 'Permission check failed' : `Permission check failed (${what})`;
/** proxmox-rest-server's answer: the same words whatever failed. */
const RUST_DENIAL = 'permission check failed';

/**
 * pve-access-control PVE/RPCEnvironment.pm `check` and `check_any`: the denial names the
 * path and the first privilege missing, or (any of them would do) all of them joined by `|`.
 * Undefined when the subject passes.
 */
export function perlPrivilegeDenial(
  access: AccessState,
  subject: Subject,
  path: string,
  privs: readonly string[],
  any = false,
): Denial {
  if (isSuperuser(subject)) return undefined;
  const have = privilegesOn(access, subject, path);
  if (any) return privs.some((p) => have.has(p)) ? undefined : perlDenial(`${path}, ${privs.join('|')}`);
  const missing = privs.find((p) => !have.has(p));
  return missing === undefined ? undefined : perlDenial(`${path}, ${missing}`);
}

/** PVE/AccessControl.pm normalize_path: no doubled or trailing slashes. */
export const normalizePath = (path: string): string =>
  `/${path
    .split('/')
    .filter((p) => p !== '')
    .join('/')}`;

/** RPCEnvironment.pm check_perm_modify: besides Permissions.Modify, the area's allocate privilege will do. */
function permModifyPrivileges(path: string): string[] {
  if (/^\/storage\/.+$/.test(path)) return ['Permissions.Modify', 'Datastore.Allocate'];
  if (/^\/vms\/.+$/.test(path)) return ['Permissions.Modify', 'VM.Allocate'];
  if (/^\/pool\/.+$/.test(path)) return ['Permissions.Modify', 'Pool.Allocate'];
  return ['Permissions.Modify'];
}

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** `user@realm!token` for a token: what the Rust servers and PVE call the user of a request. */
const authId = (s: Subject): string => (s.tokenid === undefined ? s.userid : `${s.userid}!${s.tokenid}`);

function fillPath(template: string, params: SimParams): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => first(params[name]));
}

function perlOptions(rest: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < rest.length; i += 2) out[String(rest[i])] = rest[i + 1];
  return out;
}

function checkPerl(check: unknown[], ctx: PermissionContext): Denial {
  const [kind, ...rest] = check;
  switch (kind) {
    case 'perm': {
      // RPCEnvironment.pm exec_api2_perm_check: a `require_param` that is absent fails the test.
      const path = normalizePath(fillPath(String(rest[0]), ctx.params));
      const privs = (rest[1] as string[]) ?? [];
      const opts = perlOptions(rest.slice(2));
      if (typeof opts.require_param === 'string' && ctx.params[opts.require_param] === undefined)
        return perlDenial();
      return perlPrivilegeDenial(ctx.access, ctx.subject, path, privs, Boolean(opts.any));
    }
    case 'and': {
      for (const sub of rest) {
        const denial = checkPerl(sub as unknown[], ctx);
        if (denial) return denial;
      }
      return undefined;
    }
    case 'or': {
      // Each branch is tried quietly; when none passes PVE names none of them.
      for (const sub of rest) if (!checkPerl(sub as unknown[], ctx)) return undefined;
      return perlDenial();
    }
    case 'userid-param': {
      const target = first(ctx.params.userid);
      // pve-access-control compares the authenticated id, for a token `user@realm!name`: a
      // token is never its user's "self" (it needs the other branch, e.g. User.Modify).
      if (rest[0] === 'self') {
        const self = ctx.subject.tokenid === undefined && target === ctx.subject.userid;
        return self ? undefined : perlDenial();
      }
      const realm = target.split('@')[1] ?? '';
      return perlPrivilegeDenial(ctx.access, ctx.subject, `/access/realm/${realm}`, [String(rest[0])]);
    }
    case 'perm-modify': {
      const path = normalizePath(fillPath(String(rest[0]), ctx.params));
      return perlPrivilegeDenial(ctx.access, ctx.subject, path, permModifyPrivileges(path), true);
    }
    case 'userid-group': {
      // Simplified: any of the privileges on /access/groups or on a group below it.
      const privs = (rest[0] as string[]) ?? [];
      return hasPrivileges(ctx.access, ctx.subject, '/access/groups', privs, { any: true, partial: true })
        ? undefined
        : perlDenial(`/access/groups, ${privs.join('|')}`);
    }
    default:
      return isSuperuser(ctx.subject) ? undefined : perlDenial();
  }
}

/**
 * pmg-api's `check_api2_permissions`: the user's role must be in the list; a helpdesk user
 * counts as qmanager and audit too. root@pam passed before this point.
 */
function checkPmgRoles(allowed: unknown[], ctx: PermissionContext): Denial {
  const role = ctx.access.users.get(ctx.subject.userid)?.pmgRole ?? '';
  const counts = ctx.access.roles.get(role)?.privs ?? new Set<string>();
  return allowed.some((r) => typeof r === 'string' && counts.has(r)) ? undefined : perlDenial();
}

/** proxmox-router's `check_api_permission_tail`, for anyone but the superuser. */
function checkRust(spec: Record<string, unknown>, ctx: PermissionContext): boolean {
  if (spec.user === 'all' || spec.user === 'world') return true;
  if (typeof spec.user === 'string') return spec.user === authId(ctx.subject);
  if (Array.isArray(spec.or)) return spec.or.some((sub) => checkRust(sub as Record<string, unknown>, ctx));
  if (Array.isArray(spec.and)) return spec.and.every((sub) => checkRust(sub as Record<string, unknown>, ctx));
  const uri = ctx.pathParams ?? ctx.params;
  // A token is not its user: the server compares the full auth id.
  if (typeof spec.userParam === 'string') return first(uri[spec.userParam]) === authId(ctx.subject);
  const check = spec.check as { path?: string[]; privs?: string[]; partial?: boolean } | undefined;
  if (!check || !Array.isArray(check.path)) return false;
  const parts: string[] = [];
  for (const component of check.path) {
    const name = /^\{(.+)\}$/.exec(component)?.[1];
    // A component naming a parameter the URL does not carry fails the check.
    if (name !== undefined && uri[name] === undefined) return false;
    parts.push(name === undefined ? component : first(uri[name]));
  }
  const path = `/${parts.join('/')}`.replace(/\/{2,}/g, '/');
  // `partial`: any one of the privileges will do.
  return hasPrivileges(ctx.access, ctx.subject, path, check.privs ?? [], { any: Boolean(check.partial) });
}

/**
 * Runs a method's permission spec for an authenticated subject. root@pam (never one of its
 * tokens) passes everything; `user: 'all'` lets every logged-in user through; a missing spec
 * means root@pam only, as the servers treat it.
 */
export function checkPermissions(permissions: unknown, ctx: PermissionContext): Denial {
  if (isSuperuser(ctx.subject)) return undefined;
  const rust = !SERVICES[ctx.access.service].perlServer;
  if (permissions === undefined || permissions === null)
    return rust ? RUST_DENIAL : perlDenial('user != root@pam');
  const spec = permissions as Record<string, unknown>;
  if (rust) return checkRust(spec, ctx) ? undefined : RUST_DENIAL;
  if (spec.user === 'all' || spec.user === 'world') return undefined;
  if (typeof spec.user === 'string' && spec.user !== '')
    return spec.user === authId(ctx.subject) ? undefined : perlDenial();
  if (!Array.isArray(spec.check)) return perlDenial();
  return ctx.access.service === 'PMG' ? checkPmgRoles(spec.check, ctx) : checkPerl(spec.check, ctx);
}
