/**
 * Disks: resize, move to another storage, import an image. QEMU and LXC name these routes
 * differently (`move_disk`/`disk` against `move_volume`/`volume`); the workflow hides that.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { TaskResult } from '../tasks/tasks.js';
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import type { Guest } from './guest.js';

export interface MoveDiskOptions extends WorkflowOptions {
  /** Remove the source volume once copied (else PVE keeps it as `unusedN`). @default true */
  deleteSource?: boolean;
  /** QEMU: target image format (`raw`, `qcow2`, `vmdk`). */
  format?: string;
  /** Milliseconds to wait for the copy. */
  timeout?: number;
}

export interface ImportDiskOptions extends WorkflowOptions {
  /** Storage for the new disk. */
  storage: string;
  /** Volume id of the image to import (`local:import/disk.qcow2`) or an absolute path (root only). */
  source: string;
  /** Further drive options, e.g. `{ discard: 'on', ssd: 1 }`. */
  driveOptions?: Record<string, string | number>;
}

export async function resizeDisk(
  c: WorkflowClient,
  g: Guest,
  disk: string,
  size: string,
  options: WorkflowOptions = {},
): Promise<TaskResult | undefined> {
  if (!/^\+?\d+(\.\d+)?[KMGT]?$/.test(size)) {
    throw new InvalidArgumentError(`size '${size}': expected e.g. '+10G' (grow by) or '50G' (grow to)`);
  }
  const answer = await c.call('PUT /nodes/{node}/{type}/{vmid}/resize', { ...g.params, disk, size }, options);
  // PVE 8 answers a task; older releases resized synchronously and answered null.
  return typeof answer === 'string' && answer.startsWith('UPID:') ? c.wait(answer, options) : undefined;
}

export async function moveDisk(
  c: WorkflowClient,
  g: Guest,
  disk: string,
  storage: string,
  options: MoveDiskOptions = {},
): Promise<TaskResult> {
  const params: Params =
    g.type === 'qemu' ? { ...g.ids, disk, storage } : { ...g.ids, volume: disk, storage };
  if (options.deleteSource !== false) params.delete = 1;
  if (options.format !== undefined && g.type === 'qemu') params.format = options.format;
  const route =
    g.type === 'qemu'
      ? 'POST /nodes/{node}/qemu/{vmid}/move_disk'
      : 'POST /nodes/{node}/lxc/{vmid}/move_volume';
  return c.task(route, params, options);
}

/**
 * `scsi1: <storage>:0,import-from=<source>`: PVE allocates a volume and copies the image in
 * a task (qemu-server PVE/API2/Qemu.pm, the 'import-from' checks of create/update).
 */
export async function importDisk(
  c: WorkflowClient,
  g: Guest,
  disk: string,
  options: ImportDiskOptions,
): Promise<void> {
  if (g.type !== 'qemu') throw new InvalidArgumentError('importDisk: containers have no import-from');
  const extra = Object.entries(options.driveOptions ?? {})
    .map(([k, v]) => `,${k}=${v}`)
    .join('');
  const value = `${options.storage}:0,import-from=${options.source}${extra}`;
  const answer = await c.call(
    'POST /nodes/{node}/qemu/{vmid}/config',
    { ...g.params, [disk]: value },
    options,
  );
  if (typeof answer === 'string' && answer.startsWith('UPID:')) await c.wait(answer, options);
}
