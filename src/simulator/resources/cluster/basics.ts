/** `/version`, `/nodes`, `/access/domains`: small read-only answers. */
import { createHash } from 'node:crypto';
import type { ServiceName } from '../../../core/services.js';
import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';

const VERSIONS: Record<ServiceName, { version: string; release: string; repoid: string }> = {
  PVE: { version: '9.0.3', release: '9.0', repoid: '025864202ebb6109' },
  PBS: { version: '4.0.11', release: '1', repoid: '3e1f2a9b' },
  PMG: { version: '8.2.5', release: '8.2', repoid: '7d5c3f10a2b4c6d8' },
  PDM: { version: '1.0.1', release: '1', repoid: 'b8a6c4e2' },
};

function version(ctx: HandlerContext): unknown {
  const v = VERSIONS[ctx.service];
  return ctx.service === 'PVE' ? { ...v, console: 'html5' } : { ...v };
}

function nodes(ctx: HandlerContext): unknown {
  const now = ctx.core.clock.now();
  return [...ctx.core.cluster.nodes.values()].map((n, i) => ({
    node: n.node,
    id: `node/${n.node}`,
    type: 'node',
    status: n.online ? 'online' : 'offline',
    level: '',
    cpu: 0.03 + i * 0.01,
    maxcpu: n.maxcpu,
    mem: Math.floor(n.maxmem * 0.35),
    maxmem: n.maxmem,
    disk: Math.floor(n.maxdisk * 0.2),
    maxdisk: n.maxdisk,
    uptime: Math.floor((now - n.bootedAt) / 1000),
    ssl_fingerprint: '',
  }));
}

function domains(ctx: HandlerContext): unknown {
  const realm = ctx.service.toLowerCase();
  const builtin =
    ctx.service === 'PVE' ? 'Proxmox VE authentication server' : `${ctx.service} authentication server`;
  const list: Record<string, unknown>[] = [
    { realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' },
    { realm, type: realm, comment: builtin },
  ];
  for (const entry of list) if (ctx.service === 'PVE' && entry.realm === 'pve') entry.default = 0;
  return list;
}

/**
 * One realm's config (pve-access-control PVE/API2/Domains.pm read): the section of
 * domains.cfg with the file's digest. PVE/Auth/Plugin.pm parse_config adds the built-in
 * realms, pam with `plugin: PVE::Auth::PAM`.
 */
function domain(ctx: HandlerContext): unknown {
  const name = str(ctx.params.realm);
  const realms = domains(ctx) as Record<string, unknown>[];
  const found = realms.find((r) => r.realm === name);
  if (!found) throw new SimError(500, `domain '${name ?? ''}' does not exist`);
  const file = realms.map((r) => `${r.type}: ${r.realm}\n\tcomment ${r.comment}\n`).join('\n');
  const { realm: _realm, ...data } = found;
  if (data.type === 'pam') data.plugin = 'PVE::Auth::PAM';
  // The list marks `default: 0`; the file holds the key only when it is set.
  if (data.default === 0) delete data.default;
  return { ...data, digest: createHash('sha1').update(file).digest('hex') };
}

export const basicHandlers: HandlerTable = {
  'GET /access/domains/{realm}': domain,
  'GET /version': version,
  'GET /nodes': nodes,
  'GET /access/domains': domains,
};
