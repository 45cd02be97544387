/** `/access/acl`, `/access/roles`, `/access/groups`: the ACL model behind every permission check. */
import { SERVICES } from '../../../core/services.js';
import { hasPrivileges, isRoot } from '../../access/acl.js';
import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';

const rust = (ctx: HandlerContext): boolean => !SERVICES[ctx.service].perlServer;
const list = (v: string | undefined): string[] => (v ?? '').split(/[,;\s]+/).filter((x) => x !== '');
const yes = (v: string | undefined): boolean => /^(1|true|yes|on)$/i.test(v ?? '');

function readAcl(ctx: HandlerContext): unknown {
  const subject = ctx.subject;
  const only = str(ctx.params.path);
  const exact = yes(str(ctx.params.exact));
  return ctx.core.access.acl
    .filter((e) => !only || (exact ? e.path === only : e.path.startsWith(only)))
    .filter(
      (e) =>
        !subject ||
        isRoot(subject) ||
        hasPrivileges(ctx.core.access, subject, e.path, ['Sys.Audit', 'Permissions.Modify'], { any: true }),
    )
    .map((e) =>
      rust(ctx)
        ? {
            path: e.path,
            ugid: e.ugid,
            ugid_type: e.kind === 'group' ? 'group' : 'user',
            roleid: e.roleid,
            propagate: e.propagate,
          }
        : { path: e.path, type: e.kind, ugid: e.ugid, roleid: e.roleid, propagate: e.propagate ? 1 : 0 },
    );
}

function updateAcl(ctx: HandlerContext): unknown {
  const { access } = ctx.core;
  const path = str(ctx.params.path) ?? '/';
  const remove = yes(str(ctx.params.delete));
  const propagate = ctx.params.propagate === undefined ? true : yes(str(ctx.params.propagate));
  const roles = rust(ctx) ? list(str(ctx.params.role)) : list(str(ctx.params.roles));
  const subjects = rust(ctx)
    ? [...list(str(ctx.params['auth-id'])), ...list(str(ctx.params.group))]
    : [...list(str(ctx.params.users)), ...list(str(ctx.params.groups)), ...list(str(ctx.params.tokens))];
  for (const role of roles)
    if (!access.roles.has(role)) throw new SimError(500, `role '${role}' does not exist`);
  for (const ugid of subjects) {
    const kind = ugid.includes('!') ? 'token' : ugid.includes('@') ? 'user' : 'group';
    if (kind === 'group' && !access.groups.has(ugid))
      throw new SimError(500, `group '${ugid}' does not exist`);
    if (kind === 'user' && !access.users.has(ugid)) throw new SimError(500, `user '${ugid}' does not exist`);
    if (kind === 'token') {
      const [userid = '', name = ''] = ugid.split('!');
      if (!access.users.get(userid)?.tokens.has(name))
        throw new SimError(500, `token '${ugid}' does not exist`);
    }
    for (const role of roles) {
      if (remove)
        access.acl = access.acl.filter((e) => !(e.path === path && e.ugid === ugid && e.roleid === role));
      else access.grant(path, ugid, role, propagate);
    }
  }
  return null;
}

function listRoles(ctx: HandlerContext): unknown {
  return [...ctx.core.access.roles].map(([roleid, role]) =>
    rust(ctx)
      ? { roleid, privs: [...role.privs] }
      : { roleid, privs: [...role.privs].join(','), special: role.builtin ? 1 : 0 },
  );
}

function roleDetail(ctx: HandlerContext): unknown {
  const role = ctx.core.access.roles.get(str(ctx.params.roleid) ?? '');
  if (!role) throw new SimError(500, `role '${str(ctx.params.roleid) ?? ''}' does not exist`);
  return Object.fromEntries([...role.privs].map((p) => [p, 1]));
}

function writeRole(create: boolean) {
  return (ctx: HandlerContext): unknown => {
    const { access } = ctx.core;
    const roleid = str(ctx.params.roleid) ?? '';
    const existing = access.roles.get(roleid);
    if (create && existing) throw new SimError(500, `role '${roleid}' already exists`);
    if (!create && !existing) throw new SimError(500, `role '${roleid}' does not exist`);
    if (existing?.builtin) throw new SimError(500, `cannot modify built-in role '${roleid}'`);
    const privs = list(str(ctx.params.privs));
    const known = new Set([...access.roles.values()].flatMap((r) => [...r.privs]));
    for (const p of privs)
      if (!known.has(p))
        throw new SimError(400, 'Parameter verification failed.', { privs: `invalid privilege '${p}'` });
    const base = !create && yes(str(ctx.params.append)) ? [...(existing?.privs ?? [])] : [];
    access.roles.set(roleid, { privs: new Set([...base, ...privs]), builtin: false });
    return null;
  };
}

function deleteRole(ctx: HandlerContext): unknown {
  const roleid = str(ctx.params.roleid) ?? '';
  const role = ctx.core.access.roles.get(roleid);
  if (!role) throw new SimError(500, `role '${roleid}' does not exist`);
  if (role.builtin) throw new SimError(500, `cannot delete built-in role '${roleid}'`);
  ctx.core.access.roles.delete(roleid);
  ctx.core.access.acl = ctx.core.access.acl.filter((e) => e.roleid !== roleid);
  return null;
}

function listGroups(ctx: HandlerContext): unknown {
  return [...ctx.core.access.groups].map(([groupid, g]) => {
    const item: Record<string, unknown> = { groupid, users: [...g.members].join(',') };
    if (g.comment) item.comment = g.comment;
    return item;
  });
}

function findGroup(ctx: HandlerContext) {
  const groupid = str(ctx.params.groupid) ?? '';
  const group = ctx.core.access.groups.get(groupid);
  if (!group) throw new SimError(500, `group '${groupid}' does not exist`);
  return { groupid, group };
}

export const aclHandlers: HandlerTable = {
  'GET /access/acl': readAcl,
  'PUT /access/acl': updateAcl,
  'GET /access/roles': listRoles,
  'POST /access/roles': writeRole(true),
  'GET /access/roles/{roleid}': roleDetail,
  'PUT /access/roles/{roleid}': writeRole(false),
  'DELETE /access/roles/{roleid}': deleteRole,
  'GET /access/groups': listGroups,
  'POST /access/groups': (ctx) => {
    const groupid = str(ctx.params.groupid) ?? '';
    if (ctx.core.access.groups.has(groupid)) throw new SimError(500, `group '${groupid}' already exists`);
    ctx.core.access.addGroup(groupid, str(ctx.params.comment));
    return null;
  },
  'GET /access/groups/{groupid}': (ctx) => {
    const { group } = findGroup(ctx);
    const out: Record<string, unknown> = { members: [...group.members] };
    if (group.comment) out.comment = group.comment;
    return out;
  },
  'PUT /access/groups/{groupid}': (ctx) => {
    const { group } = findGroup(ctx);
    const comment = str(ctx.params.comment);
    if (comment !== undefined) group.comment = comment;
    return null;
  },
  'DELETE /access/groups/{groupid}': (ctx) => {
    const { groupid, group } = findGroup(ctx);
    for (const member of group.members) ctx.core.access.users.get(member)?.groups.delete(groupid);
    ctx.core.access.groups.delete(groupid);
    ctx.core.access.acl = ctx.core.access.acl.filter((e) => e.ugid !== groupid);
    return null;
  },
};
