/**
 * A handle on one guest: where it lives and what can be done to it. The handle keeps the
 * node it was found on and follows it through `migrate`; `refresh()` looks it up again.
 */
import { GuestLookupError } from '../core/errors.js';
import type { TaskResult } from '../tasks/tasks.js';
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import { type CloneOptions, type CloneResult, cloneGuest } from './clone.js';
import { applyCloudInit, type CloudInitOptions, type CloudInitResult } from './cloud-init.js';
import {
  type ImportDiskOptions,
  type ImportDiskResult,
  importDisk,
  type MoveDiskOptions,
  moveDisk,
  resizeDisk,
} from './disks.js';
import { type MigrateOptions, type MigrateResult, migrateGuest } from './migrate.js';
import { attachNoCloud, type NoCloudOptions, type NoCloudResult } from './nocloud.js';
import type { PollOptions } from './poll.js';
import {
  currentState,
  type PowerResult,
  type PowerState,
  type ShutdownOptions,
  type StartOptions,
  type StopOptions,
  shutdownGuest,
  startGuest,
  stopGuest,
  waitForAgent,
  waitForState,
} from './power.js';
import { Snapshots } from './snapshots.js';

export type GuestType = 'qemu' | 'lxc';

/** What the cluster said about a guest when it was looked up. */
export interface GuestInfo {
  vmid: number;
  type: GuestType;
  node: string;
  name: string;
  /** `running`, `stopped`, ... at lookup time; `state()` asks again. */
  status: string;
  template: boolean;
}

export class Guest implements GuestInfo {
  readonly #client: WorkflowClient;
  readonly vmid: number;
  readonly type: GuestType;
  node: string;
  name: string;
  status: string;
  template: boolean;

  constructor(client: WorkflowClient, info: GuestInfo) {
    this.#client = client;
    this.vmid = info.vmid;
    this.type = info.type;
    this.node = info.node;
    this.name = info.name;
    this.status = info.status;
    this.template = info.template;
  }

  /** Node and vmid, for routes that spell the type out (`/nodes/{node}/qemu/{vmid}/...`). */
  get ids(): Params {
    return { node: this.node, vmid: this.vmid };
  }

  /** Path parameters of this guest's routes (`/nodes/{node}/{type}/{vmid}/...`). */
  get params(): Params {
    return { node: this.node, type: this.type, vmid: this.vmid };
  }

  /** The current configuration (`GET .../config`), pending changes applied as PVE shows them. */
  config(options: WorkflowOptions = {}): Promise<Record<string, string | number>> {
    return this.#client.call('GET /nodes/{node}/{type}/{vmid}/config', this.params, options);
  }

  /** Sets configuration keys (`PUT .../config`); `delete` lists keys to remove. */
  async configure(
    values: Params,
    options: WorkflowOptions & { delete?: readonly string[] } = {},
  ): Promise<void> {
    const body: Params = { ...this.params, ...values };
    if (options.delete?.length) body.delete = options.delete.join(',');
    const answer = await this.#client.call('PUT /nodes/{node}/{type}/{vmid}/config', body, options);
    // PUT answers null; a hotplug change of a running VM may answer a task.
    if (typeof answer === 'string' && answer.startsWith('UPID:')) await this.#client.wait(answer, options);
  }

  /** `running`, `stopped` or `paused`, asked now. */
  state(options: WorkflowOptions = {}): Promise<PowerState> {
    return currentState(this.#client, this, options);
  }

  start(options?: StartOptions): Promise<PowerResult> {
    return startGuest(this.#client, this, options);
  }
  /** A hard stop (power off). */
  stop(options?: StopOptions): Promise<PowerResult> {
    return stopGuest(this.#client, this, options);
  }
  /** A clean shutdown, then a hard stop if the guest did not stop in time (unless `force: false`). */
  shutdown(options?: ShutdownOptions): Promise<PowerResult> {
    return shutdownGuest(this.#client, this, options);
  }
  waitFor(state: PowerState, options?: PollOptions): Promise<void> {
    return waitForState(this.#client, this, state, options);
  }
  waitForAgent(options?: PollOptions): Promise<void> {
    return waitForAgent(this.#client, this, options);
  }

  get snapshots(): Snapshots {
    return new Snapshots(this.#client, this);
  }

  /** Grows a disk: `'+10G'` adds, `'50G'` sets (PVE refuses to shrink). */
  resizeDisk(disk: string, size: string, options?: WorkflowOptions): Promise<TaskResult | undefined> {
    return resizeDisk(this.#client, this, disk, size, options);
  }
  /** Moves a disk (QEMU) or volume (LXC) to another storage and waits. */
  moveDisk(disk: string, storage: string, options?: MoveDiskOptions): Promise<TaskResult> {
    return moveDisk(this.#client, this, disk, storage, options);
  }
  /** Attaches an image that is on a storage already (`import-from`) as a new disk. */
  importDisk(disk: string, options: ImportDiskOptions): Promise<ImportDiskResult> {
    return importDisk(this.#client, this, disk, options);
  }

  migrate(target: string, options?: MigrateOptions): Promise<MigrateResult> {
    return migrateGuest(this.#client, this, target, options);
  }
  clone(options?: CloneOptions): Promise<CloneResult> {
    return cloneGuest(this.#client, this, options);
  }
  cloudInit(options: CloudInitOptions, call?: WorkflowOptions): Promise<CloudInitResult> {
    return applyCloudInit(this, options, call);
  }
  /** Builds a NoCloud seed ISO of this data, uploads it (once) and attaches it as a CD-ROM. */
  attachNoCloud(options: NoCloudOptions): Promise<NoCloudResult> {
    return attachNoCloud(this, options);
  }

  /** Asks the cluster where the guest is now and what it is called. */
  async refresh(options: WorkflowOptions = {}): Promise<this> {
    const rows = await this.#client.call<
      Array<{ vmid: number; node: string; name?: string; status?: string; template?: number }>
    >('GET /cluster/resources', { type: 'vm' }, options);
    const row = rows.find((r) => Number(r.vmid) === this.vmid);
    if (!row)
      throw new GuestLookupError(`guest ${this.vmid} is no longer in the cluster`, { reason: 'not-found' });
    this.node = row.node;
    this.name = row.name ?? '';
    this.status = row.status ?? 'unknown';
    this.template = Boolean(row.template);
    return this;
  }

  /** The client this handle calls through (for the other workflows). */
  get client(): WorkflowClient {
    return this.#client;
  }
}
