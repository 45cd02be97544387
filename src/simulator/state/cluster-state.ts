/** The simulated cluster: nodes and guests (VMs and containers). */
import { createHash } from 'node:crypto';

export type GuestType = 'qemu' | 'lxc';
export type GuestStatus = 'running' | 'stopped' | 'paused';

export interface Snapshot {
  name: string;
  description: string;
  snaptime: number;
  parent?: string;
  vmstate: boolean;
  config: Record<string, string>;
}

export interface Guest {
  vmid: number;
  type: GuestType;
  node: string;
  status: GuestStatus;
  template: boolean;
  /** Set while a task works on the guest (`create`, `clone`, `migrate`, ...). */
  lock?: string;
  /** The guest's configuration as PVE stores it: every value a string. */
  config: Record<string, string>;
  /** Changes that wait for the next start (`pending`). */
  pending: Record<string, string>;
  pendingDelete: Set<string>;
  snapshots: Map<string, Snapshot>;
  pool?: string;
  /**
   * Sizes of volumes the config names without one (`unusedN: local-lvm:vm-100-disk-1`):
   * the storage knows them on PVE, here they are kept from the drive that held the volume.
   */
  volumeSizes?: Map<string, number>;
  /** Simulator clock ms when it was started, for `uptime`. */
  startedAt?: number;
}

export interface NodeRecord {
  node: string;
  online: boolean;
  maxcpu: number;
  maxmem: number;
  maxdisk: number;
  /** Simulator clock ms of the boot, for `uptime`. */
  bootedAt: number;
}

export interface PoolRecord {
  comment?: string;
  /** `qemu/100`, `lxc/101`, `storage/local`. */
  members: Set<string>;
}

export class ClusterState {
  readonly nodes = new Map<string, NodeRecord>();
  readonly guests = new Map<number, Guest>();
  readonly pools = new Map<string, PoolRecord>();
  #seed = 0;
  constructor(readonly clusterName: string | undefined) {}

  /**
   * 64 hex digits for a generated MAC or UUID: never the same twice in one engine, and the
   * same sequence in every run, so the simulator stays reproducible where PVE is random.
   */
  freshHex(label: string): string {
    return createHash('sha256')
      .update(`${label}:${this.#seed++}`)
      .digest('hex');
  }

  guestName(g: Guest): string {
    return (
      g.config[g.type === 'qemu' ? 'name' : 'hostname'] ?? `${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid}`
    );
  }

  nextFreeVmid(from = 100): number {
    let id = from;
    while (this.guests.has(id)) id++;
    return id;
  }
}
