/**
 * Clone to the next free vmid and wait. `GET /cluster/nextid` only proposes an id; nothing
 * reserves it (pve-manager PVE/API2/Cluster.pm nextid reads the vmlist and returns the first
 * gap), so two scripts cloning at once can be handed the same one. The loser's clone fails,
 * and the workflow asks for a new id and tries again. How it fails depends on the guest type
 * and where the id was taken (src/simulator/resources/guests/clone-target.ts follows it):
 * - QEMU, id on the same node: the request, "unable to create VM N: config file already
 *   exists" (qemu-server PVE/API2/Qemu.pm clone_vm, `$load_and_check`; checked again in the
 *   worker, so also as the task's exit status).
 * - QEMU, id on another node: the task, "close (rename) atomic file '.../N.conf' failed: File
 *   exists" (pmxcfs refuses the config's rename; pve-common PVE/File.pm file_set_contents).
 * - LXC: the request, "CT N already exists on node 'X'" (pve-container PVE/API2/LXC.pm
 *   clone_vm via pve-cluster PVE/Cluster.pm check_vmid_unused).
 */
import { InvalidArgumentError, isResourceException, isTaskFailedError } from '../core/errors.js';
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import { Guest } from './guest.js';

export interface CloneOptions extends WorkflowOptions {
  /** The new vmid; without it, the next free one (retried on a race). */
  newid?: number;
  /** Name (QEMU) or hostname (LXC) of the clone. */
  name?: string;
  /** A full copy, or a linked clone of a template. @default PVE's: full unless the source is a template */
  full?: boolean;
  /** Node to put the clone on (full clones only). */
  target?: string;
  /** Storage for the clone's disks (full clones only). */
  storage?: string;
  pool?: string;
  /** Clone from this snapshot instead of the current state. */
  snapshot?: string;
  description?: string;
  /** Start the clone once it exists. @default false */
  start?: boolean;
  /** Attempts when the proposed vmid is taken meanwhile. @default 5 */
  attempts?: number;
  /** Milliseconds to wait for the clone task. */
  timeout?: number;
}

export interface CloneResult {
  guest: Guest;
  upid: string;
  /** How many vmids were tried (1 without a race). */
  attempts: number;
}

export async function cloneGuest(
  c: WorkflowClient,
  source: Guest,
  options: CloneOptions = {},
): Promise<CloneResult> {
  if (options.full === false && (options.target !== undefined || options.storage !== undefined)) {
    throw new InvalidArgumentError(
      'clone: a linked clone stays on the source node and storage (full: true moves)',
    );
  }
  const attempts = options.newid === undefined ? (options.attempts ?? 5) : 1;
  for (let attempt = 1; ; attempt++) {
    const newid = options.newid ?? Number(await c.call<string | number>('GET /cluster/nextid', {}, options));
    try {
      const upid = await c.call<string>(
        'POST /nodes/{node}/{type}/{vmid}/clone',
        { ...source.params, ...cloneParams(source, newid, options) },
        options,
      );
      await c.wait(upid, options);
      const guest = new Guest(c, {
        vmid: newid,
        type: source.type,
        node: options.target ?? source.node,
        name: options.name ?? '',
        status: 'stopped',
        template: false,
      });
      await guest.refresh(options);
      if (options.start) await guest.start(options);
      return { guest, upid, attempts: attempt };
    } catch (error) {
      if (attempt >= attempts || !vmidTaken(error)) throw error;
    }
  }
}

function cloneParams(source: Guest, newid: number, o: CloneOptions): Params {
  const p: Params = { newid };
  if (o.name !== undefined) p[source.type === 'qemu' ? 'name' : 'hostname'] = o.name;
  if (o.full !== undefined) p.full = o.full ? 1 : 0;
  if (o.target !== undefined) p.target = o.target;
  if (o.storage !== undefined) p.storage = o.storage;
  if (o.pool !== undefined) p.pool = o.pool;
  if (o.snapshot !== undefined) p.snapname = o.snapshot;
  if (o.description !== undefined) p.description = o.description;
  return p;
}

/** PVE's texts for "the new vmid is taken" (see the header); nothing else is retried. */
const VMID_TAKEN = /already exists|\/\d+\.conf' failed: File exists/i;

function vmidTaken(error: unknown): boolean {
  if (isResourceException(error)) return VMID_TAKEN.test(`${error.message} ${error.content ?? ''}`);
  return isTaskFailedError(error) && VMID_TAKEN.test(error.exitStatus);
}
