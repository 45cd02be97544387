/**
 * Which objects a caller may see in lists (PVE filters lists instead of refusing them).
 * Computed once per request: with 100,000 guests, a privilege walk per guest would be
 * the slowest part of `/cluster/resources`.
 */
import { isRoot, privilegesOn } from '../../access/acl.js';
import type { HandlerContext } from '../../engine/handler.js';

export function visibilityFor(ctx: HandlerContext, area: string, privs: string[]): (id: string) => boolean {
  const subject = ctx.subject;
  if (!subject || (isRoot(subject) && subject.tokenid === undefined)) return () => true;
  const access = ctx.core.access;
  const test = (path: string): boolean => {
    const have = privilegesOn(access, subject, path);
    return privs.some((p) => have.has(p));
  };
  const base = test(area);
  const deeper = access.acl.some((e) => e.path.startsWith(`${area}/`));
  if (!deeper) return () => base;
  const cache = new Map<string, boolean>();
  return (id) => {
    let seen = cache.get(id);
    if (seen === undefined) {
      seen = test(`${area}/${id}`);
      cache.set(id, seen);
    }
    return seen;
  };
}
