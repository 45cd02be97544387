/** PBS datastores with namespaces and backup snapshots. */

export interface BackupSnapshot {
  ns: string;
  type: 'vm' | 'ct' | 'host';
  id: string;
  /** Seconds since the epoch. */
  time: number;
  size: number;
  owner: string;
  protected: boolean;
  notes?: string;
  files: string[];
}

export interface Datastore {
  name: string;
  path: string;
  comment?: string;
  total: number;
  namespaces: Set<string>;
  snapshots: BackupSnapshot[];
  extra: Record<string, string>;
}

const FILES: Record<BackupSnapshot['type'], string[]> = {
  vm: ['index.json.blob', 'qemu-server.conf.blob', 'drive-scsi0.img.fidx'],
  ct: ['index.json.blob', 'pct.conf.blob', 'root.pxar.didx', 'catalog.pcat1.didx'],
  host: ['index.json.blob', 'root.pxar.didx', 'catalog.pcat1.didx'],
};

export function snapshotFiles(type: BackupSnapshot['type']): string[] {
  return [...FILES[type]];
}

export function demoDatastores(nowMs: number, withContent: boolean): Map<string, Datastore> {
  const stores = new Map<string, Datastore>();
  const store: Datastore = {
    name: 'store1',
    path: '/mnt/datastore/store1',
    comment: 'Main datastore',
    total: 4 * 1024 ** 4,
    namespaces: new Set(['']),
    snapshots: [],
    extra: { 'gc-schedule': 'daily', 'prune-schedule': 'daily' },
  };
  stores.set(store.name, store);
  if (!withContent) return stores;
  for (const ns of ['prod', 'prod/web', 'dev', 'archive']) store.namespaces.add(ns);
  const day = 86_400;
  const now = Math.floor(nowMs / 1000);
  const groups: [string, BackupSnapshot['type'], string][] = [
    ['', 'vm', '100'],
    ['', 'ct', '103'],
    ['', 'host', 'pbs'],
    ['prod', 'vm', '101'],
    ['prod/web', 'vm', '102'],
    ['dev', 'ct', '104'],
  ];
  for (const [ns, type, id] of groups) {
    for (let i = 0; i < 3; i++) {
      store.snapshots.push({
        ns,
        type,
        id,
        time: now - (i + 1) * day - (Number(id) || 7) * 60,
        size: (1 + i) * 1024 ** 3,
        owner: 'automation@pbs!ci',
        protected: i === 2,
        files: snapshotFiles(type),
      });
    }
  }
  return stores;
}
