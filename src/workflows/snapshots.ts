/**
 * Snapshots as handles: `vm.snapshots.create('pre-upgrade')` answers a Snapshot that can roll
 * back or remove itself; every call waits for its task. `list()` leaves out the `current`
 * pseudo-entry PVE appends ("You are here!", qemu-server PVE/API2/Qemu.pm snapshot_list).
 */
import { GuestLookupError } from '../core/errors.js';
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import type { Guest } from './guest.js';

export interface SnapshotInfo {
  name: string;
  description: string;
  /** Seconds since the epoch; absent while the snapshot is being taken. */
  snaptime?: number;
  parent?: string;
  /** QEMU: the RAM state was saved too. */
  vmstate: boolean;
}

export interface CreateSnapshotOptions extends WorkflowOptions {
  description?: string;
  /** QEMU: save the RAM state as well. @default false */
  vmstate?: boolean;
}

export interface RollbackOptions extends WorkflowOptions {
  /** Start the guest after the rollback (PVE 8's `start`). @default false */
  start?: boolean;
}

export class Snapshot implements SnapshotInfo {
  readonly #client: WorkflowClient;
  readonly #guest: Guest;
  readonly name: string;
  readonly description: string;
  readonly snaptime?: number;
  readonly parent?: string;
  readonly vmstate: boolean;

  constructor(client: WorkflowClient, guest: Guest, info: SnapshotInfo) {
    this.#client = client;
    this.#guest = guest;
    this.name = info.name;
    this.description = info.description;
    this.vmstate = info.vmstate;
    if (info.snaptime !== undefined) this.snaptime = info.snaptime;
    if (info.parent !== undefined) this.parent = info.parent;
  }

  #params(extra: Params = {}): Params {
    return { ...this.#guest.params, snapname: this.name, ...extra };
  }

  /** Returns the guest to this snapshot and waits. */
  async rollback(options: RollbackOptions = {}): Promise<void> {
    const extra: Params = options.start ? { start: 1 } : {};
    await this.#client.task(
      'POST /nodes/{node}/{type}/{vmid}/snapshot/{snapname}/rollback',
      this.#params(extra),
      options,
    );
  }

  /** Deletes this snapshot and waits. */
  async remove(options: WorkflowOptions & { force?: boolean } = {}): Promise<void> {
    const extra: Params = options.force ? { force: 1 } : {};
    await this.#client.task(
      'DELETE /nodes/{node}/{type}/{vmid}/snapshot/{snapname}',
      this.#params(extra),
      options,
    );
  }
}

export class Snapshots {
  readonly #client: WorkflowClient;
  readonly #guest: Guest;

  constructor(client: WorkflowClient, guest: Guest) {
    this.#client = client;
    this.#guest = guest;
  }

  /** The guest's snapshots, oldest first. */
  async list(options: WorkflowOptions = {}): Promise<Snapshot[]> {
    const rows = await this.#client.call<Array<Record<string, unknown>>>(
      'GET /nodes/{node}/{type}/{vmid}/snapshot',
      this.#guest.params,
      options,
    );
    return rows
      .filter((r) => r.name !== 'current')
      .map((r) => new Snapshot(this.#client, this.#guest, toInfo(r)))
      .sort((a, b) => (a.snaptime ?? Infinity) - (b.snaptime ?? Infinity));
  }

  /** The snapshot of that name; GuestLookupError `not-found` when there is none. */
  async get(name: string, options: WorkflowOptions = {}): Promise<Snapshot> {
    const found = (await this.list(options)).find((s) => s.name === name);
    if (!found) {
      throw new GuestLookupError(`guest ${this.#guest.vmid} has no snapshot '${name}'`, {
        reason: 'not-found',
      });
    }
    return found;
  }

  /** Takes a snapshot, waits for the task, and answers its handle. */
  async create(name: string, options: CreateSnapshotOptions = {}): Promise<Snapshot> {
    const params: Params = { ...this.#guest.params, snapname: name };
    if (options.description !== undefined) params.description = options.description;
    if (options.vmstate && this.#guest.type === 'qemu') params.vmstate = 1;
    await this.#client.task('POST /nodes/{node}/{type}/{vmid}/snapshot', params, options);
    return this.get(name, options);
  }
}

function toInfo(r: Record<string, unknown>): SnapshotInfo {
  const info: SnapshotInfo = {
    name: String(r.name),
    description: typeof r.description === 'string' ? r.description : '',
    vmstate: Boolean(r.vmstate),
  };
  if (typeof r.snaptime === 'number') info.snaptime = r.snaptime;
  if (typeof r.parent === 'string') info.parent = r.parent;
  return info;
}
