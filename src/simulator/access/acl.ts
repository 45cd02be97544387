/**
 * Privileges of a user or token on an ACL path, the way PVE, PBS and PDM compute them: walk
 * from `/` down to the path; on each level the entries that reach it (exact path, or
 * propagated from above) replace what was inherited, entries for the user win over entries
 * for its groups on the same level, and `NoAccess` among them empties the level. A
 * privilege-separated token gets the intersection of its user's privileges and its own; on
 * PBS and PDM every token is (they have no `privsep` switch).
 */
import { SERVICES } from '../../core/services.js';
import type { AccessState } from '../state/access-state.js';

export interface Subject {
  userid: string;
  /** Token name when the request came with an API token. */
  tokenid?: string;
}

const ROOT_USERS = new Set(['root@pam']);

export function isRoot(subject: Subject): boolean {
  return ROOT_USERS.has(subject.userid);
}

/**
 * root@pam itself, which every permission check lets through. Not its tokens: the servers
 * compare the request's auth id (`root@pam!name`), so a token is checked like anyone else.
 */
export function isSuperuser(subject: Subject): boolean {
  return isRoot(subject) && subject.tokenid === undefined;
}

function prefixes(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const out = ['/'];
  for (let i = 1; i <= parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}`);
  return out;
}

function privsFor(access: AccessState, ids: { user: string[]; group: string[] }, path: string): Set<string> {
  let privs = new Set<string>();
  const levels = prefixes(path);
  levels.forEach((level, index) => {
    const exact = index === levels.length - 1;
    const reaching = access.acl.filter((e) => e.path === level && (exact || e.propagate));
    const own = reaching.filter((e) => ids.user.includes(e.ugid));
    const chosen = own.length > 0 ? own : reaching.filter((e) => ids.group.includes(e.ugid));
    if (chosen.length === 0) return;
    privs = new Set();
    if (chosen.some((e) => e.roleid === 'NoAccess')) return;
    for (const entry of chosen) {
      for (const p of access.roles.get(entry.roleid)?.privs ?? []) privs.add(p);
    }
  });
  return privs;
}

function allPrivileges(access: AccessState): Set<string> {
  const all = new Set<string>();
  for (const role of access.roles.values()) for (const p of role.privs) all.add(p);
  return all;
}

export function privilegesOn(access: AccessState, subject: Subject, path: string): Set<string> {
  const user = access.users.get(subject.userid);
  const userPrivs = isRoot(subject)
    ? allPrivileges(access)
    : privsFor(access, { user: [subject.userid], group: [...(user?.groups ?? [])] }, path);
  if (subject.tokenid === undefined) return userPrivs;
  const token = user?.tokens.get(subject.tokenid);
  if (!token) return new Set();
  const alwaysSeparated = !SERVICES[access.service].perlServer;
  if (!token.privsep && !alwaysSeparated) return userPrivs;
  const tokenPrivs = privsFor(access, { user: [`${subject.userid}!${subject.tokenid}`], group: [] }, path);
  return new Set([...userPrivs].filter((p) => tokenPrivs.has(p)));
}

/** Whether the subject has the privileges on the path or (partial) on any path below it. */
export function hasPrivileges(
  access: AccessState,
  subject: Subject,
  path: string,
  privs: readonly string[],
  opts: { any?: boolean; partial?: boolean } = {},
): boolean {
  if (isSuperuser(subject)) return true;
  const test = (p: string): boolean => {
    const have = privilegesOn(access, subject, p);
    return opts.any ? privs.some((x) => have.has(x)) : privs.every((x) => have.has(x));
  };
  if (test(path)) return true;
  if (!opts.partial) return false;
  const base = path === '/' ? '/' : `${path}/`;
  const below = new Set(access.acl.filter((e) => e.path.startsWith(base)).map((e) => e.path));
  return [...below].some(test);
}
