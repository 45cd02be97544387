import type { EngineCore } from '../../engine/engine-core.js';
import { SimError } from '../../engine/sim-error.js';
import type { StorageRecord } from '../../state/storage-state.js';

/** The storage by name, with PVE's errors when it is unknown or not on this node. */
export function findStorage(core: EngineCore, name: string | undefined, node?: string): StorageRecord {
  const storage = name === undefined ? undefined : core.storage.storages.get(name);
  if (!storage) throw new SimError(500, `storage '${name ?? ''}' does not exist`);
  if (node !== undefined && !core.storage.availableOn(storage, node)) {
    throw new SimError(500, `storage '${storage.storage}' is not available on node '${node}'`);
  }
  return storage;
}
