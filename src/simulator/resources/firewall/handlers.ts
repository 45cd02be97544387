/**
 * The PVE firewall API: rules and security groups (`firewall-rules.ts`), aliases and IP
 * sets (`firewall-sets.ts`), and here options, references, macros, logs and the
 * directory indexes. Options answer only what was set, plus `digest`, as PVE's
 * `copy_opject_with_digest` does; the defaults are the schema's, not stored values.
 */

import { type HandlerContext, type HandlerTable, Reply, str } from '../../engine/handler.js';
import { paramError } from '../../engine/sim-error.js';
import { typedRecord } from '../../engine/typed-values.js';
import { objectDigest } from '../../state/config-digest.js';
import { MACROS } from '../../state/firewall-verify.js';
import { firewallRuleHandlers } from './rules.js';
import { checkDigest, deleteList, FIREWALL_BASES, scopeOf } from './scope.js';
import { firewallSetHandlers } from './sets.js';

type Env = 'cluster' | 'host' | 'vm' | 'ct';

const NOT_OPTIONS = new Set(['node', 'vmid', 'delete', 'digest']);

function readOptions(env: Env) {
  return (ctx: HandlerContext): unknown => {
    const { conf } = scopeOf(ctx, env, true);
    return { ...typedRecord(conf.options, ctx.info.api?.returns, true), digest: objectDigest(conf.options) };
  };
}

function writeOptions(env: Env) {
  return (ctx: HandlerContext): unknown => {
    const { conf } = scopeOf(ctx, env, true);
    checkDigest(ctx, objectDigest(conf.options));
    const keys = Object.keys(ctx.info.api?.parameters?.properties ?? {}).filter((k) => !NOT_OPTIONS.has(k));
    const options = { ...conf.options };
    for (const key of deleteList(ctx)) {
      if (!keys.includes(key)) throw paramError({ delete: `no such option '${key}'` });
      delete options[key];
    }
    for (const key of keys) {
      const value = str(ctx.params[key]);
      if (value !== undefined) options[key] = value;
    }
    if (options.enable !== undefined && (env === 'vm' || env === 'ct' || env === 'host'))
      options.enable = /^(1|true|yes|on)$/i.test(options.enable) ? '1' : '0';
    // The GUI's anti-lockout double call: an `enable` above 1 is stored as the current time.
    if (env === 'cluster' && Number(str(ctx.params.enable) ?? 0) > 1)
      options.enable = String(Math.floor(ctx.core.clock.now() / 1000));
    conf.options = options;
    return null;
  };
}

function refs(env: 'cluster' | 'vm' | 'ct') {
  return (ctx: HandlerContext): unknown => {
    const scope = scopeOf(ctx, env);
    const only = str(ctx.params.type);
    const out: Record<string, string>[] = [];
    const add = (conf: typeof scope.cluster, where: 'dc' | 'guest'): void => {
      if (only !== 'alias')
        for (const [name, set] of conf.ipsets)
          out.push({ type: 'ipset', name, ref: `+${where}/${name}`, scope: where, ...comment(set.comment) });
      if (only !== 'ipset')
        for (const [name, alias] of conf.aliases)
          out.push({ type: 'alias', name, ref: `${where}/${name}`, scope: where, ...comment(alias.comment) });
    };
    add(scope.cluster, 'dc');
    if (env !== 'cluster') add(scope.conf, 'guest');
    return out;
  };
}

const comment = (text: string | undefined): { comment?: string } => (text ? { comment: text } : {});

/** Nothing is logged in the simulator: an empty page with `total`, as PVE pages its logs. */
function emptyLog(env: Env) {
  return (ctx: HandlerContext): unknown => {
    scopeOf(ctx, env, true);
    return new Reply([], { total: 0 });
  };
}

const index = (names: string[]) => (): unknown => names.map((name) => ({ name }));

const { cluster, host, vm, ct } = FIREWALL_BASES;

export const firewallHandlers: HandlerTable = {
  ...firewallRuleHandlers,
  ...firewallSetHandlers,
  [`GET ${cluster}`]: index(['aliases', 'rules', 'options', 'groups', 'ipset', 'macros', 'refs']),
  [`GET ${host}`]: index(['rules', 'options', 'log']),
  [`GET ${vm}`]: index(['rules', 'aliases', 'ipset', 'refs', 'options', 'log']),
  [`GET ${ct}`]: index(['rules', 'aliases', 'ipset', 'refs', 'options', 'log']),
  [`GET ${cluster}/options`]: readOptions('cluster'),
  [`PUT ${cluster}/options`]: writeOptions('cluster'),
  [`GET ${host}/options`]: readOptions('host'),
  [`PUT ${host}/options`]: writeOptions('host'),
  [`GET ${vm}/options`]: readOptions('vm'),
  [`PUT ${vm}/options`]: writeOptions('vm'),
  [`GET ${ct}/options`]: readOptions('ct'),
  [`PUT ${ct}/options`]: writeOptions('ct'),
  [`GET ${cluster}/refs`]: refs('cluster'),
  [`GET ${vm}/refs`]: refs('vm'),
  [`GET ${ct}/refs`]: refs('ct'),
  [`GET ${cluster}/macros`]: () =>
    Object.entries(MACROS).map(([macro, opens]) => ({ macro, descr: `${macro}: ${opens}` })),
  [`GET ${host}/log`]: emptyLog('host'),
  [`GET ${vm}/log`]: emptyLog('vm'),
  [`GET ${ct}/log`]: emptyLog('ct'),
};
