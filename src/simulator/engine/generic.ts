/**
 * The answer for every schema method without a hand-written handler: shape-correct data
 * from `returns`, a real task where the method starts one, and create/read/update/delete
 * for collection/member pairs, so no known method answers 500 for lack of a handler.
 */
import { SERVICES } from '../../core/services.js';
import type { JsonSchema } from '../../generated/schema-types.js';
import { GenericStore } from '../state/generic-store.js';
import { answerSample } from '../state/samples.js';
import { authId, type HandlerContext, str } from './handler.js';
import { memberParam } from './schema-table.js';
import { SimError } from './sim-error.js';
import { typedValue } from './typed-values.js';

function fill(template: string, params: HandlerContext['params']): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(str(params[name]) ?? ''));
}

function overlay(
  base: unknown,
  schema: JsonSchema | undefined,
  values: Record<string, string>,
  intBooleans: boolean,
): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return base;
  const out = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(values)) {
    const prop = schema?.properties?.[key];
    if (prop || schema?.additionalProperties !== false) out[key] = typedValue(prop, value, intBooleans);
  }
  return out;
}

function startTask(ctx: HandlerContext, id: string): string {
  const api = ctx.info.api;
  const node = str(ctx.params.node) ?? ctx.core.localNode;
  const taskNode = ctx.core.cluster.nodes.has(node) ? node : ctx.core.localNode;
  const type = (api?.name ?? 'task').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24) || 'task';
  const task = ctx.core.tasks.start({
    node: taskNode,
    type,
    id: id.replace(/:/g, '_'),
    user: authId(ctx.subject),
  });
  return api?.task === 'remote-upid' ? `${str(ctx.params.remote) ?? 'remote1'}!${task.upid}` : task.upid;
}

export function genericHandler(ctx: HandlerContext): unknown {
  const api = ctx.info.api;
  const intBooleans = SERVICES[ctx.service].booleans === 'int';
  const returns = api?.returns;
  const answer = (): unknown => answerSample(returns, { intBooleans });
  const segments = ctx.route.split('/');
  const last = segments[segments.length - 1] ?? '';
  const pathParams = new Set([...ctx.route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ''));
  const store = ctx.core.generic;

  if (last.startsWith('{')) {
    const param = last.slice(1, -1);
    const id = str(ctx.params[param]) ?? '';
    const collection = fill(segments.slice(0, -1).join('/'), ctx.params);
    if (ctx.method === 'GET') {
      const stored = store.get(collection, id);
      return stored ? overlay(answer(), returns, stored, intBooleans) : answer();
    }
    if (ctx.method === 'DELETE') store.delete(collection, id);
    else {
      const remove = (str(ctx.params.delete) ?? '').split(/[,;\s]+/).filter((k) => k !== '');
      store.update(
        collection,
        id,
        GenericStore.flatten(ctx.params, new Set([...pathParams, 'delete', 'digest'])),
        remove,
      );
    }
    return api?.task ? startTask(ctx, id) : answer();
  }

  const child = memberParam(ctx.service, ctx.route);
  const collection = fill(ctx.route, ctx.params);
  if (child && ctx.method === 'POST') {
    const id = str(ctx.params[child]);
    if (id !== undefined) {
      const values = GenericStore.flatten(ctx.params, pathParams);
      if (!store.create(collection, id, values)) throw new SimError(500, `${child} '${id}' already exists`);
    }
    return api?.task ? startTask(ctx, id ?? '') : answer();
  }
  if (child && ctx.method === 'GET' && returns?.type === 'array') {
    const items = store.list(collection);
    if (items.length === 0) return answer();
    const itemSchema = returns.items;
    const base = answerSample(itemSchema, { intBooleans });
    return items.map(([id, values]) => overlay(base, itemSchema, { ...values, [child]: id }, intBooleans));
  }
  return api?.task ? startTask(ctx, '') : answer();
}
