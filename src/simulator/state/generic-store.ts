/**
 * Create/read/update/delete for any collection/member pair the simulator has no
 * hand-written handler for: `POST /x` with the member's id parameter stores an item,
 * `GET|PUT|DELETE /x/{id}` read, change and remove it, `GET /x` lists them.
 */
import type { SimParams } from '../engine/types.js';

export class GenericStore {
  /** Concrete collection path -> member id -> stored parameters. */
  readonly #collections = new Map<string, Map<string, Record<string, string>>>();

  #collection(path: string): Map<string, Record<string, string>> {
    let items = this.#collections.get(path);
    if (!items) {
      items = new Map();
      this.#collections.set(path, items);
    }
    return items;
  }

  static flatten(params: SimParams, skip: ReadonlySet<string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(params))
      if (!skip.has(k)) out[k] = Array.isArray(v) ? v.join(',') : v;
    return out;
  }

  create(collection: string, id: string, values: Record<string, string>): boolean {
    const items = this.#collection(collection);
    if (items.has(id)) return false;
    items.set(id, values);
    return true;
  }

  get(collection: string, id: string): Record<string, string> | undefined {
    return this.#collections.get(collection)?.get(id);
  }

  update(
    collection: string,
    id: string,
    values: Record<string, string>,
    remove: readonly string[] = [],
  ): void {
    const items = this.#collection(collection);
    const item = { ...items.get(id), ...values };
    for (const key of remove) delete item[key];
    items.set(id, item);
  }

  delete(collection: string, id: string): boolean {
    return this.#collections.get(collection)?.delete(id) ?? false;
  }

  list(collection: string): [string, Record<string, string>][] {
    return [...(this.#collections.get(collection) ?? new Map<string, Record<string, string>>())];
  }
}
