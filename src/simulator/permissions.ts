/**
 * Evaluates a method's `permissions` from the schema. Two dialects:
 * PVE/PMG (Perl): `check: ['perm', '/vms/{vmid}', ['VM.Audit'], 'any', 1]`, `['and'|'or', ...]`,
 * `['userid-param', 'self']`, `['userid-group', [...]]`, `['perm-modify', '{path}']`, PMG's
 * role lists `['admin', 'audit']`; PBS/PDM (Rust): `{check: {path: [...], privs, partial}}`,
 * `{or: [...]}`, `{and: [...]}`, `{userParam: 'userid'}`. Both may say `user: 'all'|'world'`.
 */

import type { AccessState } from './access-state.js';
import { hasPrivileges, isRoot, type Subject } from './acl.js';
import type { SimParams } from './types.js';

export interface PermissionContext {
  access: AccessState;
  subject: Subject;
  params: SimParams;
}

/** The reason a check failed, or undefined when it passed. */
export type Denial = string | undefined;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

function fillPath(template: string, params: SimParams): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => first(params[name]));
}

function perlOptions(rest: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < rest.length; i += 2) out[String(rest[i])] = rest[i + 1];
  return out;
}

const PMG_ROLE_NAMES = new Set(['admin', 'audit', 'helpdesk', 'qmanager', 'root', 'quser']);

function checkPerl(check: unknown[], ctx: PermissionContext): Denial {
  const [kind, ...rest] = check;
  switch (kind) {
    case 'perm': {
      const path = fillPath(String(rest[0]), ctx.params);
      const privs = (rest[1] as string[]) ?? [];
      const opts = perlOptions(rest.slice(2));
      if (typeof opts.require_param === 'string' && ctx.params[opts.require_param] === undefined)
        return undefined;
      const ok = hasPrivileges(ctx.access, ctx.subject, path, privs, { any: Boolean(opts.any) });
      return ok ? undefined : `Permission check failed (${path}, ${privs.join('|')})`;
    }
    case 'and': {
      for (const sub of rest) {
        const denial = checkPerl(sub as unknown[], ctx);
        if (denial) return denial;
      }
      return undefined;
    }
    case 'or': {
      let last: Denial;
      for (const sub of rest) {
        last = checkPerl(sub as unknown[], ctx);
        if (!last) return undefined;
      }
      return last ?? 'Permission check failed';
    }
    case 'userid-param': {
      const target = first(ctx.params.userid);
      if (rest[0] === 'self')
        return target === ctx.subject.userid ? undefined : 'Permission check failed (user != self)';
      if (isRoot(ctx.subject)) return undefined;
      const realm = target.split('@')[1] ?? '';
      const privs = [String(rest[0])];
      return hasPrivileges(ctx.access, ctx.subject, `/access/realm/${realm}`, privs)
        ? undefined
        : `Permission check failed (/access/realm/${realm}, ${privs.join('|')})`;
    }
    case 'userid-group':
    case 'perm-modify': {
      const path = kind === 'perm-modify' ? fillPath(String(rest[0]), ctx.params) : '/access/groups';
      const privs = kind === 'perm-modify' ? ['Permissions.Modify'] : ((rest[0] as string[]) ?? []);
      return hasPrivileges(ctx.access, ctx.subject, path, privs, { any: true, partial: true })
        ? undefined
        : `Permission check failed (${path}, ${privs.join('|')})`;
    }
    default: {
      if (typeof kind === 'string' && PMG_ROLE_NAMES.has(kind)) return checkPmgRoles(check as string[], ctx);
      return isRoot(ctx.subject) ? undefined : 'Permission check failed';
    }
  }
}

function checkPmgRoles(allowed: string[], ctx: PermissionContext): Denial {
  if (isRoot(ctx.subject)) return undefined;
  const role = ctx.access.users.get(ctx.subject.userid)?.pmgRole ?? '';
  const granted = ctx.access.roles.get(role)?.privs ?? new Set<string>();
  return allowed.some((r) => granted.has(r)) ? undefined : 'permission check failed';
}

function checkRust(spec: Record<string, unknown>, ctx: PermissionContext): Denial {
  if (spec.user === 'all' || spec.user === 'world') return undefined;
  if (Array.isArray(spec.or)) {
    let last: Denial;
    for (const sub of spec.or) {
      last = checkRust(sub as Record<string, unknown>, ctx);
      if (!last) return undefined;
    }
    return last ?? 'permission check failed';
  }
  if (Array.isArray(spec.and)) {
    for (const sub of spec.and) {
      const denial = checkRust(sub as Record<string, unknown>, ctx);
      if (denial) return denial;
    }
    return undefined;
  }
  if (typeof spec.userParam === 'string') {
    return first(ctx.params[spec.userParam]) === ctx.subject.userid ? undefined : 'permission check failed';
  }
  const check = spec.check as { path?: string[]; privs?: string[]; partial?: boolean } | undefined;
  if (check && Array.isArray(check.path)) {
    const path = `/${check.path.map((s) => fillPath(s, ctx.params)).join('/')}`;
    const ok = hasPrivileges(ctx.access, ctx.subject, path, check.privs ?? [], {
      partial: Boolean(check.partial),
    });
    return ok ? undefined : 'permission check failed';
  }
  return isRoot(ctx.subject) ? undefined : 'permission check failed';
}

/**
 * Runs a method's permission spec for an authenticated subject. `user: 'all'` lets every
 * logged-in user through; a missing spec means root only, as the servers treat it.
 */
export function checkPermissions(permissions: unknown, ctx: PermissionContext): Denial {
  if (permissions === undefined || permissions === null) {
    return isRoot(ctx.subject) ? undefined : 'Permission check failed (root only)';
  }
  const spec = permissions as Record<string, unknown>;
  if (spec.user === 'all' || spec.user === 'world') return undefined;
  if (typeof spec.user === 'string' && spec.user !== '') {
    return spec.user === ctx.subject.userid || isRoot(ctx.subject) ? undefined : 'Permission check failed';
  }
  if (Array.isArray(spec.check)) return checkPerl(spec.check, ctx);
  return checkRust(spec, ctx);
}
