/**
 * SDN configuration as PVE keeps it: the files under `/etc/pve/sdn` (what the API
 * changes) and `.running-config` (what the last `PUT /cluster/sdn` applied). Everything
 * created, changed or deleted is pending until applied; `pendingView` is PVE's
 * `pending_config`, the `pending=1` answer with `state` new/changed/deleted.
 */
import { sectionDigest } from './config-digest.js';

export type SdnKind = 'zones' | 'vnets' | 'subnets' | 'controllers';
export type SdnObject = Record<string, string>;
type SdnConfig = Record<SdnKind, Map<string, SdnObject>>;

const KINDS: SdnKind[] = ['zones', 'vnets', 'subnets', 'controllers'];

function empty(): SdnConfig {
  return { zones: new Map(), vnets: new Map(), subnets: new Map(), controllers: new Map() };
}

function copy(from: SdnConfig): SdnConfig {
  const out = empty();
  for (const kind of KINDS) for (const [id, object] of from[kind]) out[kind].set(id, { ...object });
  return out;
}

/** Keys that stay at the top of a pending view instead of moving into `pending`. */
const FIXED = new Set(['type', 'vnet']);

export class SdnState {
  config = empty();
  running = empty();

  digest(kind: SdnKind): string {
    return sectionDigest(this.config[kind]);
  }

  /** Makes the configuration current (the commit step of `PUT /cluster/sdn`). */
  apply(): void {
    this.running = copy(this.config);
  }

  /** Drops pending changes (`POST /cluster/sdn/rollback`). */
  rollback(): void {
    this.config = copy(this.running);
  }

  hasPending(): boolean {
    return KINDS.some((kind) => sectionDigest(this.config[kind]) !== sectionDigest(this.running[kind]));
  }

  pendingView(kind: SdnKind): Map<string, Record<string, unknown>> {
    const running = this.running[kind];
    const config = this.config[kind];
    const out = new Map<string, Record<string, unknown>>();
    const entry = (id: string): Record<string, unknown> => {
      let e = out.get(id);
      if (!e) {
        e = {};
        out.set(id, e);
      }
      return e;
    };
    for (const id of [...running.keys()].sort()) {
      const before = running.get(id) ?? {};
      const after = config.get(id);
      const e = entry(id);
      for (const [key, value] of Object.entries(before)) {
        e[key] = value;
        if (!after) e.state = 'deleted';
        else if (after[key] === undefined) {
          e.pending = { ...(e.pending as object), [key]: 'deleted' };
          e.state = 'changed';
        } else if (after[key] !== value) e.state = 'changed';
      }
    }
    for (const id of [...config.keys()].sort()) {
      const after = config.get(id) ?? {};
      const before = running.get(id);
      const e = entry(id);
      for (const [key, value] of Object.entries(after)) {
        if (FIXED.has(key)) e[key] = value;
        else if (before?.[key] !== value) e.pending = { ...(e.pending as object), [key]: value };
        if (!before) e.state = 'new';
        else if (before[key] === undefined) e.state = 'changed';
      }
    }
    for (const e of out.values()) if (e.state && e.pending === undefined) e.pending = {};
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
