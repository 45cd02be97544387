/**
 * Users, API tokens and ACL entries that exist after the call, created or corrected only where
 * needed. PVE answers 500 "no such user ('x@pve')" / "no such token ..." for missing ones
 * (pve-access-control PVE/API2/User.pm, PVE/API2/TokenConfig.pm).
 */
import { isResourceException } from '../core/errors.js';
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import type { EnsureResult } from './ensure-guest.js';

export interface EnsureUserOptions extends WorkflowOptions {
  userid: string;
  /** Only used on create; an existing user's password is left alone. */
  password?: string;
  comment?: string;
  email?: string;
  firstname?: string;
  lastname?: string;
  groups?: readonly string[];
  enable?: boolean;
}

export interface EnsureTokenOptions extends WorkflowOptions {
  userid: string;
  tokenid: string;
  /** Privilege separation: the token has only the ACLs given to it. @default true */
  privsep?: boolean;
  comment?: string;
}

export interface EnsureAclOptions extends WorkflowOptions {
  path: string;
  role: string;
  /** Users (`x@pve`), tokens (`x@pve!ci`) or groups to hold the role on the path. */
  subjects: readonly string[];
  /** @default true */
  propagate?: boolean;
}

const missing = (e: unknown) => isResourceException(e) && /no such (user|token)/i.test(e.message);
const sig = (o: WorkflowOptions) => (o.signal === undefined ? {} : { signal: o.signal });

export async function ensureUser(c: WorkflowClient, o: EnsureUserOptions): Promise<EnsureResult<string>> {
  const wanted: Params = {};
  for (const key of ['comment', 'email', 'firstname', 'lastname'] as const)
    if (o[key] !== undefined) wanted[key] = o[key];
  if (o.groups !== undefined) wanted.groups = [...o.groups].sort().join(',');
  if (o.enable !== undefined) wanted.enable = o.enable ? 1 : 0;
  let current: Record<string, unknown> | undefined;
  try {
    current = await c.call('GET /access/users/{userid}', { userid: o.userid }, sig(o));
  } catch (error) {
    if (!missing(error)) throw error;
  }
  if (current === undefined) {
    const create: Params = { userid: o.userid, ...wanted };
    if (o.password !== undefined) create.password = o.password;
    await c.call('POST /access/users', create, sig(o));
    return { value: o.userid, action: 'created', changed: Object.keys(create).filter((k) => k !== 'userid') };
  }
  const now: Record<string, unknown> = {
    ...current,
    groups: Array.isArray(current.groups) ? [...current.groups].sort().join(',') : current.groups,
  };
  const changed = Object.keys(wanted).filter((k) => String(now[k] ?? '') !== String(wanted[k]));
  if (changed.length === 0) return { value: o.userid, action: 'unchanged', changed };
  await c.call('PUT /access/users/{userid}', { userid: o.userid, ...pick(wanted, changed) }, sig(o));
  return { value: o.userid, action: 'updated', changed };
}

/** `value` is the token's secret on create (shown once by PVE), else undefined. */
export async function ensureToken(
  c: WorkflowClient,
  o: EnsureTokenOptions,
): Promise<EnsureResult<{ tokenid: string; secret: string | undefined }>> {
  const ids = { userid: o.userid, tokenid: o.tokenid };
  const wanted: Params = { privsep: o.privsep === false ? 0 : 1 };
  if (o.comment !== undefined) wanted.comment = o.comment;
  let current: Record<string, unknown> | undefined;
  try {
    current = await c.call('GET /access/users/{userid}/token/{tokenid}', ids, sig(o));
  } catch (error) {
    if (!missing(error)) throw error;
  }
  const fullid = `${o.userid}!${o.tokenid}`;
  if (current === undefined) {
    const answer = await c.call<{ value: string }>(
      'POST /access/users/{userid}/token/{tokenid}',
      { ...ids, ...wanted },
      sig(o),
    );
    return {
      value: { tokenid: fullid, secret: answer.value },
      action: 'created',
      changed: Object.keys(wanted),
    };
  }
  const changed = Object.keys(wanted).filter((k) => String(current[k] ?? '') !== String(wanted[k]));
  if (changed.length > 0)
    await c.call('PUT /access/users/{userid}/token/{tokenid}', { ...ids, ...pick(wanted, changed) }, sig(o));
  return {
    value: { tokenid: fullid, secret: undefined },
    action: changed.length ? 'updated' : 'unchanged',
    changed,
  };
}

/** `changed` lists the subjects that were given the role. */
export async function ensureAcl(c: WorkflowClient, o: EnsureAclOptions): Promise<EnsureResult<string>> {
  const acl = await c.call<Array<{ path: string; ugid: string; roleid: string; propagate?: number }>>(
    'GET /access/acl',
    {},
    sig(o),
  );
  const propagate = o.propagate !== false;
  const has = (s: string) =>
    acl.some(
      (e) =>
        e.path === o.path && e.ugid === s && e.roleid === o.role && Boolean(e.propagate ?? 1) === propagate,
    );
  const todo = o.subjects.filter((s) => !has(s));
  if (todo.length === 0) return { value: o.path, action: 'unchanged', changed: [] };
  const kinds: Record<string, string[]> = { users: [], tokens: [], groups: [] };
  for (const s of todo) kinds[s.includes('!') ? 'tokens' : s.includes('@') ? 'users' : 'groups']!.push(s);
  const params: Params = { path: o.path, roles: o.role, propagate: propagate ? 1 : 0 };
  for (const [key, list] of Object.entries(kinds)) if (list.length) params[key] = list.join(',');
  await c.call('PUT /access/acl', params, sig(o));
  return { value: o.path, action: 'updated', changed: todo };
}

function pick(values: Params, keys: readonly string[]): Params {
  return Object.fromEntries(keys.map((k) => [k, values[k]!]));
}
