/** What the SDN handlers share: which view a GET shows, option parsing, digest and `delete`. */

import { type HandlerContext, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { MODIFIED, sectionDigest } from '../../state/config-digest.js';
import type { SdnKind, SdnObject } from '../../state/sdn-state.js';

const META = new Set(['type', 'digest', 'delete', 'lock-token', 'pending', 'running']);

/** The objects a GET shows: configuration, `running=1` or `pending=1`. */
export function sdnView(ctx: HandlerContext, kind: SdnKind): { items: Map<string, object>; digest?: string } {
  const sdn = ctx.core.sdn;
  if (str(ctx.params.pending) === '1') return { items: sdn.pendingView(kind) };
  if (str(ctx.params.running) === '1')
    return { items: sdn.running[kind], digest: sectionDigest(sdn.running[kind]) };
  return { items: sdn.config[kind], digest: sdn.digest(kind) };
}

/** Every request parameter that is an option of the object (not an id, flag or meta key). */
export function sdnOptions(ctx: HandlerContext, skip: string[]): SdnObject {
  const out: SdnObject = {};
  for (const [key, value] of Object.entries(ctx.params)) {
    if (META.has(key) || skip.includes(key)) continue;
    out[key] = Array.isArray(value) ? value.join(' ') : value;
  }
  return out;
}

export function sdnDigest(ctx: HandlerContext, kind: SdnKind): void {
  const given = str(ctx.params.digest);
  if (given && given !== ctx.core.sdn.digest(kind)) throw new SimError(500, MODIFIED);
}

export function sdnDelete(ctx: HandlerContext, object: SdnObject, required: string[] = []): void {
  for (const key of (str(ctx.params.delete) ?? '').split(/[,;\s]+/).filter((k) => k !== '')) {
    if (required.includes(key)) throw paramError({ [key]: 'unable to delete required option' });
    delete object[key];
  }
}
