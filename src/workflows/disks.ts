/**
 * Disks: resize, move to another storage, import an image. QEMU and LXC name these routes
 * differently (`move_disk`/`disk` against `move_volume`/`volume`); the workflow hides that.
 */
import { InvalidArgumentError, ProxmoxError } from '../core/errors.js';
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

export interface ImportDiskResult {
  disk: string;
  /** The new volume, e.g. `local-lvm:vm-101-disk-1`. */
  volid: string;
  /** Its size as PVE wrote it in the config (`size=`), e.g. `32G`. */
  size: string | undefined;
  /** The qmconfig task that did the import. */
  upid: string | undefined;
}

/**
 * `scsi1: <storage>:0,import-from=<source>`: PVE allocates a volume as large as the source
 * and copies the image into it (qemu-server PVE/API2/Qemu.pm create_disks, the import-from
 * branch; `qm disk import` is the CLI's way, with no API route of its own). The source is an
 * `import` or `images` volume (another guest's disk needs VM.Clone on it) or, for root@pam
 * only, an absolute path. Sent as POST .../config, so the copy runs in a task.
 */
export async function importDisk(
  c: WorkflowClient,
  g: Guest,
  disk: string,
  options: ImportDiskOptions,
): Promise<ImportDiskResult> {
  if (g.type !== 'qemu') throw new InvalidArgumentError('importDisk: containers have no import-from');
  if (!/^(ide|sata|scsi|virtio)\d+$/.test(disk))
    throw new InvalidArgumentError(`importDisk: '${disk}' is not a disk slot (scsi1, virtio0, sata2, ...)`);
  const extra = Object.entries(options.driveOptions ?? {})
    .map(([k, v]) => `,${k}=${v}`)
    .join('');
  const value = `${options.storage}:0,import-from=${options.source}${extra}`;
  const answer = await c.call('POST /nodes/{node}/qemu/{vmid}/config', { ...g.ids, [disk]: value }, options);
  const upid = typeof answer === 'string' && answer.startsWith('UPID:') ? answer : undefined;
  if (upid) await c.wait(upid, options);
  const config = await c.call<Record<string, string>>('GET /nodes/{node}/qemu/{vmid}/config', g.ids, options);
  const made = config[disk] ?? '';
  // A running VM that could not hotplug the disk keeps it pending: the import is not done.
  if (made === '' || made.includes('import-from='))
    throw new ProxmoxError(
      `importDisk: ${disk} did not become a disk (it reads '${made}'); see GET .../pending`,
      {
        path: `/nodes/${g.node}/qemu/${g.vmid}/config`,
      },
    );
  return { disk, volid: made.split(',')[0] ?? '', size: /(?:^|,)size=([^,]+)/.exec(made)?.[1], upid };
}
