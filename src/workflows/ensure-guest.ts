/**
 * "This guest exists with this config": creates it when no guest has the name, else sets only
 * the keys that differ. A second run changes nothing and says so, also where PVE stored a key
 * in another form than it was given (config-match.ts).
 */
import { isGuestLookupError, isResourceException } from '../core/errors.js';
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import { configSatisfies } from './config-match.js';
import type { GuestType } from './guest.js';
import { Guest } from './guest.js';
import { Guests } from './guests.js';

export interface EnsureGuestOptions extends WorkflowOptions {
  name: string;
  /** Where to create it when missing. */
  node: string;
  /** @default 'qemu' */
  type?: GuestType;
  /** Config keys as PVE spells them: `{ memory: 2048, cores: 2, net0: 'virtio,bridge=vmbr0' }`. */
  config: Record<string, string | number>;
}

export interface EnsureResult<T> {
  value: T;
  /** `created`, `updated` or `unchanged`. */
  action: 'created' | 'updated' | 'unchanged';
  /** The keys that were set (all of them on create). */
  changed: string[];
}

export async function ensureGuest(c: WorkflowClient, o: EnsureGuestOptions): Promise<EnsureResult<Guest>> {
  const type = o.type ?? 'qemu';
  const call = o.signal === undefined ? {} : { signal: o.signal };
  let guest: Guest | undefined;
  try {
    guest = await new Guests(c).find(o.name, call);
  } catch (error) {
    if (!isGuestLookupError(error) || error.reason !== 'not-found') throw error;
  }
  if (guest === undefined) {
    const nameKey = type === 'qemu' ? 'name' : 'hostname';
    for (let attempt = 1; ; attempt++) {
      const vmid = Number(await c.call<string>('GET /cluster/nextid', {}, call));
      const params: Params = { node: o.node, type, vmid, [nameKey]: o.name, ...o.config };
      try {
        await c.task('POST /nodes/{node}/{type}', params, call);
      } catch (error) {
        // nextid reserves nothing: another script may have taken the id (see clone.ts).
        if (attempt < 5 && isResourceException(error) && /already exists/.test(error.message)) continue;
        throw error;
      }
      const created = new Guest(c, {
        vmid,
        type,
        node: o.node,
        name: o.name,
        status: 'stopped',
        template: false,
      });
      return { value: created, action: 'created', changed: Object.keys(o.config) };
    }
  }
  const current = await guest.config(call);
  // What PVE rewrote on the way in (generated MACs, allocated disks) still counts as set.
  const changed = Object.keys(o.config).filter((k) => !configSatisfies(current[k], o.config[k]!));
  if (changed.length === 0) return { value: guest, action: 'unchanged', changed };
  await guest.configure(Object.fromEntries(changed.map((k) => [k, o.config[k]!])), call);
  return { value: guest, action: 'updated', changed };
}
