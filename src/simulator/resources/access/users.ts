/**
 * `/access/users`, their API tokens and `/access/password`. Token creation answers the
 * secret once; later reads never show it. PVE names the token parameter `tokenid`, the
 * Rust servers `token-name`.
 */

import { randomUUID } from 'node:crypto';
import { SERVICES } from '../../../core/services.js';
import { hasPrivileges, isRoot } from '../../access/acl.js';
import { hasSecondFactor, tfaLockFields, unlockTfa } from '../../access/tfa-verify.js';
import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { TokenRecord, UserRecord } from '../../state/access-state.js';

const rust = (ctx: HandlerContext): boolean => !SERVICES[ctx.service].perlServer;
const bool = (ctx: HandlerContext, on: boolean): number | boolean => (rust(ctx) ? on : on ? 1 : 0);
const list = (v: string | undefined): string[] => (v ?? '').split(/[,;\s]+/).filter((x) => x !== '');

function findUser(ctx: HandlerContext): UserRecord {
  const userid = str(ctx.params.userid) ?? '';
  const user = ctx.core.access.users.get(userid);
  if (!user) throw new SimError(500, `no such user ('${userid}')`);
  return user;
}

function tokenName(ctx: HandlerContext): string {
  return str(ctx.params.tokenid) ?? str(ctx.params['token-name']) ?? '';
}

function tokenInfo(ctx: HandlerContext, token: TokenRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { expire: token.expire };
  if (rust(ctx)) out.enable = true;
  else out.privsep = token.privsep ? 1 : 0;
  if (token.comment) out.comment = token.comment;
  return out;
}

function userItem(ctx: HandlerContext, user: UserRecord, withTokens: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    userid: user.userid,
    enable: bool(ctx, user.enable),
    expire: user.expire,
  };
  for (const key of ['firstname', 'lastname', 'email', 'comment'] as const)
    if (user[key]) out[key] = user[key];
  if (!rust(ctx)) {
    out.groups = [...user.groups].join(',');
    out['realm-type'] = user.userid.split('@')[1];
  }
  if (withTokens) {
    out.tokens = [...user.tokens.values()].map((t) => ({
      tokenid: rust(ctx) ? `${user.userid}!${t.tokenid}` : t.tokenid,
      ...tokenInfo(ctx, t),
    }));
  }
  return out;
}

/** PVE's detail view carries groups as a list and tokens keyed by name. */
function userDetail(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const item = userItem(ctx, user, !rust(ctx));
  if (!rust(ctx)) {
    item.groups = [...user.groups];
    item.tokens = Object.fromEntries([...user.tokens.values()].map((t) => [t.tokenid, tokenInfo(ctx, t)]));
  }
  return item;
}

function applyUserFields(ctx: HandlerContext, user: UserRecord): void {
  for (const key of ['firstname', 'lastname', 'email', 'comment'] as const) {
    const value = str(ctx.params[key]);
    if (value !== undefined) user[key] = value;
  }
  const enable = str(ctx.params.enable);
  if (enable !== undefined) user.enable = /^(1|true)$/.test(enable);
  const expire = str(ctx.params.expire);
  if (expire !== undefined) user.expire = Number(expire);
  const groups = str(ctx.params.groups);
  if (groups !== undefined) {
    const wanted = list(groups);
    for (const g of wanted)
      if (!ctx.core.access.groups.has(g)) throw new SimError(500, `no such group '${g}'`);
    if (str(ctx.params.append) !== '1') {
      for (const g of user.groups) ctx.core.access.groups.get(g)?.members.delete(user.userid);
      user.groups.clear();
    }
    for (const g of wanted) {
      user.groups.add(g);
      ctx.core.access.groups.get(g)?.members.add(user.userid);
    }
  }
  for (const key of list(str(ctx.params.delete))) {
    if (key === 'firstname' || key === 'lastname' || key === 'email' || key === 'comment') delete user[key];
  }
}

function listUsers(ctx: HandlerContext): unknown {
  const withTokens = str(ctx.params.full) === '1' || /^(1|true)$/.test(str(ctx.params.include_tokens) ?? '');
  const enabled = str(ctx.params.enabled);
  const subject = ctx.subject;
  return [...ctx.core.access.users.values()]
    .filter((u) => enabled === undefined || u.enable === (enabled === '1'))
    .filter((u) => !subject || isRoot(subject) || u.userid === subject.userid || canAdminUsers(ctx))
    .map((u) => ({
      ...userItem(ctx, u, withTokens),
      ...tfaLockFields(u, ctx.core.clock.now(), rust(ctx) || 1),
    }));
}

/**
 * PUT /access/users/{userid}/unlock-tfa (pve-access-control PVE/API2/User.pm unlock_tfa,
 * proxmox-backup src/api2/access/user.rs unlock_tfa; both call proxmox-tfa
 * methods::unlock_and_reset_tfa): whether the user was locked. A user the TFA config does not
 * hold is "no such user" (a Rust error: PVE's die gives 500, PBS's router 400).
 */
function unlockUserTfa(ctx: HandlerContext): unknown {
  const user = ctx.core.access.users.get(str(ctx.params.userid) ?? '');
  const known =
    user !== undefined &&
    (hasSecondFactor(user) ||
      user.totpLocked !== undefined ||
      user.tfaLockedUntil !== undefined ||
      user.totpFailures !== undefined ||
      user.tfaFailures !== undefined);
  if (!known) throw new SimError(rust(ctx) ? 400 : 500, 'no such user');
  return bool(ctx, unlockTfa(user, ctx.core.clock.now()));
}

function canAdminUsers(ctx: HandlerContext): boolean {
  if (!ctx.subject) return true;
  return hasPrivileges(
    ctx.core.access,
    ctx.subject,
    '/access',
    ['User.Modify', 'Sys.Audit', 'Permissions.Modify'],
    {
      any: true,
      partial: true,
    },
  );
}

function createUser(ctx: HandlerContext): unknown {
  const userid = str(ctx.params.userid) ?? '';
  if (ctx.core.access.users.has(userid))
    throw new SimError(500, `create user failed: user '${userid}' already exists`);
  const realm = userid.split('@')[1] ?? '';
  if (realm === 'pam') throw new SimError(500, 'create user failed: pam users need a system account');
  const password = str(ctx.params.password);
  const user = ctx.core.access.addUser(password === undefined ? { userid } : { userid, password });
  applyUserFields(ctx, user);
  return null;
}

function updateUser(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  applyUserFields(ctx, user);
  const password = str(ctx.params.password);
  if (password !== undefined && rust(ctx)) user.password = password;
  return null;
}

function deleteUser(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  if (user.userid === 'root@pam') throw new SimError(500, "can't delete root@pam");
  ctx.core.access.users.delete(user.userid);
  for (const g of user.groups) ctx.core.access.groups.get(g)?.members.delete(user.userid);
  ctx.core.access.acl = ctx.core.access.acl.filter(
    (e) => e.ugid !== user.userid && !e.ugid.startsWith(`${user.userid}!`),
  );
  return null;
}

function listTokens(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  return [...user.tokens.values()].map((t) => ({
    tokenid: rust(ctx) ? `${user.userid}!${t.tokenid}` : t.tokenid,
    ...tokenInfo(ctx, t),
  }));
}

function readToken(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const token = user.tokens.get(tokenName(ctx));
  if (!token) throw new SimError(500, `no such token '${tokenName(ctx)}' for user '${user.userid}'`);
  return tokenInfo(ctx, token);
}

function createToken(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const name = tokenName(ctx);
  if (user.tokens.has(name)) throw new SimError(500, `Token already exists.`);
  const token: TokenRecord = {
    tokenid: name,
    secret: randomUUID(),
    // PVE separates privileges by default; the Rust servers always do.
    privsep: rust(ctx) ? true : str(ctx.params.privsep) !== '0',
    expire: Number(str(ctx.params.expire) ?? 0),
  };
  const comment = str(ctx.params.comment);
  if (comment) token.comment = comment;
  user.tokens.set(name, token);
  const fullId = `${user.userid}!${name}`;
  if (rust(ctx)) return { tokenid: fullId, value: token.secret };
  return { 'full-tokenid': fullId, info: tokenInfo(ctx, token), value: token.secret };
}

function updateToken(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const token = user.tokens.get(tokenName(ctx));
  if (!token) throw new SimError(500, `no such token '${tokenName(ctx)}' for user '${user.userid}'`);
  const comment = str(ctx.params.comment);
  if (comment !== undefined) token.comment = comment;
  const expire = str(ctx.params.expire);
  if (expire !== undefined) token.expire = Number(expire);
  const privsep = str(ctx.params.privsep);
  if (privsep !== undefined) token.privsep = privsep === '1';
  if (/^(1|true)$/.test(str(ctx.params.regenerate) ?? '')) {
    token.secret = randomUUID();
    return rust(ctx) ? { secret: token.secret } : { ...tokenInfo(ctx, token), value: token.secret };
  }
  return tokenInfo(ctx, token);
}

function deleteToken(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const name = tokenName(ctx);
  if (!user.tokens.delete(name)) throw new SimError(500, `no such token '${name}' for user '${user.userid}'`);
  ctx.core.access.acl = ctx.core.access.acl.filter((e) => e.ugid !== `${user.userid}!${name}`);
  return null;
}

function changePassword(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const confirmation = str(ctx.params['confirmation-password']);
  const caller = ctx.subject ? ctx.core.access.users.get(ctx.subject.userid) : undefined;
  if (confirmation !== undefined && caller && caller.password !== confirmation) {
    throw new SimError(401, 'authentication failure');
  }
  user.password = str(ctx.params.password) ?? '';
  return null;
}

export function userHandlers(tokenParam: string): HandlerTable {
  const one = '/access/users/{userid}';
  return {
    'GET /access/users': listUsers,
    'POST /access/users': createUser,
    [`GET ${one}`]: userDetail,
    [`PUT ${one}`]: updateUser,
    [`DELETE ${one}`]: deleteUser,
    [`GET ${one}/token`]: listTokens,
    [`GET ${one}/token/{${tokenParam}}`]: readToken,
    [`POST ${one}/token/{${tokenParam}}`]: createToken,
    [`PUT ${one}/token/{${tokenParam}}`]: updateToken,
    [`DELETE ${one}/token/{${tokenParam}}`]: deleteToken,
    [`PUT ${one}/unlock-tfa`]: unlockUserTfa,
    'PUT /access/password': changePassword,
  };
}
