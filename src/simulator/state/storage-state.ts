/**
 * Storages and the volumes on them. Guest disks are not stored here: they are derived
 * from guest configs on every listing, so creating or destroying a guest keeps storage
 * content consistent without bookkeeping.
 */

export interface StorageRecord {
  storage: string;
  type: string;
  content: string[];
  shared: boolean;
  /** Restricts the storage to some nodes; undefined = all. */
  nodes?: string[];
  path?: string;
  /** Other config keys as text. */
  extra: Record<string, string>;
  total: number;
}

export interface Volume {
  volid: string;
  content: string;
  format: string;
  size: number;
  ctime: number;
  vmid?: number;
  notes?: string;
  protected?: boolean;
}

export class StorageState {
  readonly storages = new Map<string, StorageRecord>();
  /** Key `node/storage` for local storages, `storage` for shared ones. */
  readonly #volumes = new Map<string, Map<string, Volume>>();

  #key(node: string, storage: string): string {
    return this.storages.get(storage)?.shared ? storage : `${node}/${storage}`;
  }

  volumes(node: string, storage: string): Map<string, Volume> {
    const key = this.#key(node, storage);
    let map = this.#volumes.get(key);
    if (!map) {
      map = new Map();
      this.#volumes.set(key, map);
    }
    return map;
  }

  /** A volume stored here (not a guest disk, which comes from configs) as this node sees it. */
  find(node: string, volid: string): Volume | undefined {
    const storage = storageOf(volid);
    if (storage === undefined || !this.storages.has(storage)) return undefined;
    return this.volumes(node, storage).get(volid);
  }

  availableOn(storage: StorageRecord, node: string): boolean {
    return storage.nodes === undefined || storage.nodes.includes(node);
  }
}

/** `local-lvm` of `local-lvm:vm-100-disk-0`; undefined for a path or `none`. */
export function storageOf(volid: string): string | undefined {
  const colon = volid.indexOf(':');
  return colon > 0 ? volid.slice(0, colon) : undefined;
}

export function demoStorages(
  state: StorageState,
  nodes: string[],
  nowMs: number,
  withContent: boolean,
): void {
  const ctime = Math.floor(nowMs / 1000) - 86_400 * 30;
  const add = (record: Omit<StorageRecord, 'extra'> & { extra?: Record<string, string> }) =>
    state.storages.set(record.storage, { extra: {}, ...record });
  add({
    storage: 'local',
    type: 'dir',
    content: ['iso', 'vztmpl', 'backup', 'snippets', 'import'],
    shared: false,
    path: '/var/lib/vz',
    total: 100 * 1024 ** 3,
  });
  add({
    storage: 'local-lvm',
    type: 'lvmthin',
    content: ['images', 'rootdir'],
    shared: false,
    total: 400 * 1024 ** 3,
    extra: { thinpool: 'data', vgname: 'pve' },
  });
  if (nodes.length > 1) {
    add({
      storage: 'shared-nfs',
      type: 'nfs',
      content: ['images', 'rootdir', 'iso', 'backup'],
      shared: true,
      path: '/mnt/pve/shared-nfs',
      total: 2 * 1024 ** 4,
      extra: { server: '192.0.2.50', export: '/export/pve' },
    });
  }
  if (!withContent) return;
  for (const node of nodes) {
    const local = state.volumes(node, 'local');
    local.set('local:iso/debian-13.1.0-amd64-netinst.iso', {
      volid: 'local:iso/debian-13.1.0-amd64-netinst.iso',
      content: 'iso',
      format: 'iso',
      size: 783_286_272,
      ctime,
    });
    local.set('local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst', {
      volid: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst',
      content: 'vztmpl',
      format: 'tzst',
      size: 129_453_568,
      ctime,
    });
  }
}
