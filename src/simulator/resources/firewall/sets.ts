/**
 * Firewall aliases and IP sets of the cluster and of guests, following pve-firewall's
 * `API2/Firewall/Aliases.pm` and `IPSet.pm`: aliases are matched without regard to case,
 * a new IP set entry goes on top, entries that name an alias need the alias.
 */

import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { listDigest } from '../../state/config-digest.js';
import type { FwConf, FwIpEntry, FwIpset } from '../../state/firewall-state.js';
import { checkIpOrCidr } from '../../state/firewall-verify.js';
import { checkDigest, FIREWALL_BASES, type FwScope, scopeOf } from './scope.js';

type SetEnv = 'cluster' | 'vm' | 'ct';

const ALIAS_REF = /^(?:(dc|guest)\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const byName = <T>([a]: [string, T], [b]: [string, T]): number => (a < b ? -1 : a > b ? 1 : 0);

function withDigest<T extends object>(items: T[]): (T & { digest: string })[] {
  const digest = listDigest(items);
  return items.map((item) => ({ ...item, digest }));
}

function aliasItems(conf: FwConf): Record<string, string>[] {
  return [...conf.aliases].sort(byName).map(([, a]) => ({ ...a }));
}

function checkCidr(cidr: string): void {
  const error = checkIpOrCidr(cidr);
  if (error) throw paramError({ cidr: error });
}

function aliasHandlers(env: SetEnv): HandlerTable {
  const list = `${FIREWALL_BASES[env]}/aliases`;
  const one = `${list}/{name}`;
  const conf = (ctx: HandlerContext): FwConf => scopeOf(ctx, env).conf;
  return {
    [`GET ${list}`]: (ctx) => withDigest(aliasItems(conf(ctx))),
    [`POST ${list}`]: (ctx) => {
      const aliases = conf(ctx).aliases;
      const name = str(ctx.params.name) ?? '';
      const cidr = str(ctx.params.cidr) ?? '';
      checkCidr(cidr);
      if (aliases.has(name.toLowerCase())) throw paramError({ name: `alias '${name}' already exists` });
      const comment = str(ctx.params.comment);
      aliases.set(name.toLowerCase(), comment ? { name, cidr, comment } : { name, cidr });
      return null;
    },
    [`GET ${one}`]: (ctx) => {
      const alias = conf(ctx).aliases.get((str(ctx.params.name) ?? '').toLowerCase());
      if (!alias) throw paramError({ name: 'no such alias' });
      return { ...alias };
    },
    [`PUT ${one}`]: (ctx) => {
      const aliases = conf(ctx).aliases;
      checkDigest(ctx, listDigest(aliasItems(conf(ctx))));
      const name = str(ctx.params.name) ?? '';
      const key = name.toLowerCase();
      if (!aliases.has(key)) throw paramError({ name: 'no such alias' });
      const cidr = str(ctx.params.cidr) ?? '';
      checkCidr(cidr);
      const rename = str(ctx.params.rename);
      const comment = str(ctx.params.comment);
      const data = comment ? { name: rename ?? name, cidr, comment } : { name: rename ?? name, cidr };
      if (rename && rename.toLowerCase() !== key) {
        if (aliases.has(rename.toLowerCase())) throw paramError({ name: `alias '${rename}' already exists` });
        aliases.delete(key);
        aliases.set(rename.toLowerCase(), data);
      } else aliases.set(key, { ...data, name });
      return null;
    },
    [`DELETE ${one}`]: (ctx) => {
      checkDigest(ctx, listDigest(aliasItems(conf(ctx))));
      conf(ctx).aliases.delete((str(ctx.params.name) ?? '').toLowerCase());
      return null;
    },
  };
}

function ipsetItems(conf: FwConf): Record<string, string>[] {
  return [...conf.ipsets]
    .sort(byName)
    .map(([name, set]) => (set.comment ? { name, comment: set.comment } : { name }));
}

function entryItems(set: FwIpset): Record<string, unknown>[] {
  return set.entries.map((e) => ({ ...e, ...(e.nomatch ? { nomatch: 1 } : {}) }));
}

function findSet(scope: FwScope, ctx: HandlerContext): FwIpset {
  const name = str(ctx.params.name) ?? '';
  const set = scope.conf.ipsets.get(name);
  if (!set) throw new SimError(500, `no such IPSet '${name}'`);
  return set;
}

/** `POST .../ipset`: create, or with `rename` rename and re-comment (PVE's wording, typos included). */
function createIpset(ctx: HandlerContext, conf: FwConf): unknown {
  const name = str(ctx.params.name) ?? '';
  const rename = str(ctx.params.rename);
  const comment = str(ctx.params.comment);
  if (rename) {
    checkDigest(ctx, listDigest(ipsetItems(conf)));
    const data = conf.ipsets.get(rename);
    if (!data) throw paramError({ name: `IPSet '${rename}' does not exists` });
    if (conf.ipsets.has(name) && name !== rename)
      throw paramError({ name: `IPSet '${name}' does already exist` });
    conf.ipsets.delete(rename);
    conf.ipsets.set(name, comment === undefined ? data : { ...data, comment });
    return null;
  }
  if (conf.ipsets.has(name)) throw paramError({ name: `IPSet '${name}' already exists` });
  conf.ipsets.set(name, comment ? { comment, entries: [] } : { entries: [] });
  return null;
}

function addEntry(ctx: HandlerContext, scope: FwScope): unknown {
  const set = findSet(scope, ctx);
  const cidr = str(ctx.params.cidr) ?? '';
  const alias = ALIAS_REF.exec(cidr);
  if (!alias) checkCidr(cidr);
  if (set.entries.some((e) => e.cidr === cidr))
    throw paramError({ cidr: `address '${cidr}' already exists` });
  if (/\/0+$/.test(cidr)) throw paramError({ cidr: 'a zero prefix is not allowed in ipset entries' });
  if (alias) {
    const [, where, name = ''] = alias;
    const key = name.toLowerCase();
    const known =
      (where !== 'dc' && scope.local?.aliases.has(key)) ||
      (where !== 'guest' && scope.cluster.aliases.has(key));
    if (!known) throw new SimError(500, `no such alias '${cidr}'`);
  }
  const entry: FwIpEntry = { cidr };
  if (/^(1|true|yes|on)$/i.test(str(ctx.params.nomatch) ?? '')) entry.nomatch = true;
  const comment = str(ctx.params.comment);
  if (comment) entry.comment = comment;
  set.entries.unshift(entry);
  return null;
}

function ipsetHandlers(env: SetEnv): HandlerTable {
  const list = `${FIREWALL_BASES[env]}/ipset`;
  const one = `${list}/{name}`;
  const entry = `${one}/{cidr}`;
  const scope = (ctx: HandlerContext): FwScope => scopeOf(ctx, env);
  const find = (ctx: HandlerContext, set: FwIpset): FwIpEntry => {
    const found = set.entries.find((e) => e.cidr === str(ctx.params.cidr));
    if (!found) throw paramError({ cidr: 'no such IP/Network' });
    return found;
  };
  return {
    [`GET ${list}`]: (ctx) => withDigest(ipsetItems(scope(ctx).conf)),
    [`POST ${list}`]: (ctx) => createIpset(ctx, scope(ctx).conf),
    [`GET ${one}`]: (ctx) => withDigest(entryItems(findSet(scope(ctx), ctx))),
    [`POST ${one}`]: (ctx) => addEntry(ctx, scope(ctx)),
    [`DELETE ${one}`]: (ctx) => {
      const s = scope(ctx);
      const set = findSet(s, ctx);
      const force = /^(1|true|yes|on)$/i.test(str(ctx.params.force) ?? '');
      if (set.entries.length > 0 && !force)
        throw new SimError(500, `IPSet '${str(ctx.params.name)}' is not empty`);
      s.conf.ipsets.delete(str(ctx.params.name) ?? '');
      return null;
    },
    [`GET ${entry}`]: (ctx) => {
      const set = findSet(scope(ctx), ctx);
      const found = find(ctx, set);
      return { ...found, ...(found.nomatch ? { nomatch: 1 } : {}), digest: listDigest(entryItems(set)) };
    },
    [`PUT ${entry}`]: (ctx) => {
      const set = findSet(scope(ctx), ctx);
      checkDigest(ctx, listDigest(entryItems(set)));
      const found = find(ctx, set);
      // PVE sets both, so leaving one out clears it.
      const nomatch = /^(1|true|yes|on)$/i.test(str(ctx.params.nomatch) ?? '');
      const comment = str(ctx.params.comment);
      if (nomatch) found.nomatch = true;
      else delete found.nomatch;
      if (comment) found.comment = comment;
      else delete found.comment;
      return null;
    },
    [`DELETE ${entry}`]: (ctx) => {
      const set = findSet(scope(ctx), ctx);
      checkDigest(ctx, listDigest(entryItems(set)));
      set.entries = set.entries.filter((e) => e.cidr !== str(ctx.params.cidr));
      return null;
    },
  };
}

export const firewallSetHandlers: HandlerTable = {
  ...aliasHandlers('cluster'),
  ...aliasHandlers('vm'),
  ...aliasHandlers('ct'),
  ...ipsetHandlers('cluster'),
  ...ipsetHandlers('vm'),
  ...ipsetHandlers('ct'),
};
