/**
 * PMG: the spam quarantine (per-receiver mail lists, deliver/delete actions, welcome and
 * block lists) and rule database object groups (`who`, `what`, `when`) with their objects.
 * Quarantine users (`quser`) see only their own mail, as `pmail` checks on PMG.
 */
import type { HandlerContext, HandlerTable } from '../../engine/handler.js';
import { str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { ObjectGroup } from '../../state/pmg-state.js';

function ownMail(ctx: HandlerContext): string {
  const subject = ctx.subject;
  const quser = subject?.userid.endsWith('@quarantine');
  const pmail = str(ctx.params.pmail) ?? (quser ? subject?.userid.replace(/@quarantine$/, '') : undefined);
  if (!pmail)
    throw new SimError(400, 'Parameter verification failed.', {
      pmail: 'property is missing and it is not optional',
    });
  if (quser && `${pmail}@quarantine` !== subject?.userid) throw new SimError(403, 'Permission check failed');
  return pmail;
}

function spam(ctx: HandlerContext): unknown {
  const pmail = ownMail(ctx);
  return ctx.core.pmg.mails
    .filter((m) => m.receiver === pmail)
    .map((m) => ({ ...m, envelope_sender: m.sender }));
}

function content(ctx: HandlerContext): unknown {
  const ids = (str(ctx.params.id) ?? '').split(';');
  const action = str(ctx.params.action);
  for (const id of ids) {
    const mail = ctx.core.pmg.mails.find((m) => m.id === id);
    if (!mail) throw new SimError(500, `mail '${id}' not found`);
    if (ctx.subject?.userid.endsWith('@quarantine') && `${mail.receiver}@quarantine` !== ctx.subject.userid) {
      throw new SimError(403, 'Permission check failed');
    }
    if (action === 'whitelist' || action === 'blacklist') {
      const lists = action === 'whitelist' ? ctx.core.pmg.whitelist : ctx.core.pmg.blacklist;
      lists.set(mail.receiver, new Set([...(lists.get(mail.receiver) ?? []), mail.sender]));
    }
    if (action !== 'blacklist') ctx.core.pmg.mails = ctx.core.pmg.mails.filter((m) => m !== mail);
  }
  return null;
}

function addressList(kind: 'whitelist' | 'blacklist') {
  return {
    get: (ctx: HandlerContext): unknown =>
      [...(ctx.core.pmg[kind].get(ownMail(ctx)) ?? [])].map((address) => ({ address })),
    add: (ctx: HandlerContext): unknown => {
      const pmail = ownMail(ctx);
      const list = ctx.core.pmg[kind];
      list.set(pmail, new Set([...(list.get(pmail) ?? []), ...(str(ctx.params.address) ?? '').split(',')]));
      return null;
    },
    remove: (ctx: HandlerContext): unknown => {
      const pmail = ownMail(ctx);
      for (const address of (str(ctx.params.address) ?? '').split(','))
        ctx.core.pmg[kind].get(pmail)?.delete(address);
      return null;
    },
  };
}

function group(ctx: HandlerContext, kind: string): ObjectGroup {
  const id = Number(str(ctx.params.ogroup));
  const found = ctx.core.pmg.kind(kind).get(id);
  if (!found) throw new SimError(500, `group '${str(ctx.params.ogroup) ?? ''}' does not exist`);
  return found;
}

function ruledbKind(kind: string): HandlerTable {
  const base = `/config/ruledb/${kind}`;
  const table: HandlerTable = {
    [`GET ${base}`]: (ctx) =>
      [...ctx.core.pmg.kind(kind).values()].map(({ id, name, info }) => ({ id, name, info })),
    [`POST ${base}`]: (ctx) => {
      const id = ctx.core.pmg.nextId();
      ctx.core.pmg
        .kind(kind)
        .set(id, { id, name: str(ctx.params.name) ?? '', info: str(ctx.params.info) ?? '', objects: [] });
      return id;
    },
    [`GET ${base}/{ogroup}/config`]: (ctx) => {
      const { id, name, info } = group(ctx, kind);
      return { id, name, info };
    },
    [`PUT ${base}/{ogroup}/config`]: (ctx) => {
      const g = group(ctx, kind);
      g.name = str(ctx.params.name) ?? g.name;
      g.info = str(ctx.params.info) ?? g.info;
      return null;
    },
    [`DELETE ${base}/{ogroup}`]: (ctx) => {
      ctx.core.pmg.kind(kind).delete(group(ctx, kind).id);
      return null;
    },
    [`GET ${base}/{ogroup}/objects`]: (ctx) =>
      group(ctx, kind).objects.map((o) => ({
        id: o.id,
        otype: o.otype,
        descr: o.value,
        ogroup: group(ctx, kind).id,
      })),
  };
  if (kind === 'who') {
    for (const otype of ['email', 'domain', 'ip', 'network', 'regex']) {
      table[`POST ${base}/{ogroup}/${otype}`] = (ctx) => {
        const id = ctx.core.pmg.nextId();
        group(ctx, kind).objects.push({
          id,
          otype,
          value: str(ctx.params[otype === 'network' ? 'cidr' : otype]) ?? '',
        });
        return id;
      };
    }
  }
  return table;
}

export const pmgHandlers: HandlerTable = {
  'GET /quarantine/spam': spam,
  'GET /quarantine/spamusers': (ctx) =>
    [...new Set(ctx.core.pmg.mails.map((m) => m.receiver))].map((mail) => ({ mail })),
  'GET /quarantine/quarusers': (ctx) =>
    [...new Set(ctx.core.pmg.mails.map((m) => m.receiver))].map((mail) => ({ mail })),
  'POST /quarantine/content': content,
  'GET /quarantine/whitelist': addressList('whitelist').get,
  'POST /quarantine/whitelist': addressList('whitelist').add,
  'DELETE /quarantine/whitelist': addressList('whitelist').remove,
  'GET /quarantine/blacklist': addressList('blacklist').get,
  'POST /quarantine/blacklist': addressList('blacklist').add,
  'DELETE /quarantine/blacklist': addressList('blacklist').remove,
  ...ruledbKind('who'),
  ...ruledbKind('what'),
  ...ruledbKind('when'),
};
