/**
 * Custom cloud-init data without snippets: a NoCloud seed ISO (volume label `cidata`, files
 * `user-data`, `meta-data`, optional `network-config` and `vendor-data`, cloud-init's
 * DataSourceNoCloud layout) built here, uploaded to an `iso` storage and attached as a
 * CD-ROM. PVE's own alternative, `cicustom`, needs the files on a snippets storage, which
 * the API cannot upload to.
 *
 * The ISO's name carries a hash of its contents, so running the workflow twice with the same
 * data uploads nothing the second time; the default `instance-id` carries the same hash, so
 * cloud-init treats changed data as a new instance and applies it again.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../core/errors.js';
import { signalOf, type WorkflowOptions } from './client.js';
import type { Guest } from './guest.js';
import { buildIso, type IsoFile } from './iso9660.js';

export interface NoCloudData {
  /** `user-data`: usually a `#cloud-config` YAML document, or a script. */
  userData: string;
  /** `meta-data` (YAML). @default `instance-id` from the data's hash, `local-hostname` the guest's name */
  metaData?: string;
  /** `network-config` (network config v1 or v2 YAML). */
  networkConfig?: string;
  vendorData?: string;
}

export interface NoCloudOptions extends NoCloudData, WorkflowOptions {
  /** A storage with `iso` content on the guest's node. @default 'local' */
  storage?: string;
  /** The CD-ROM slot. @default 'ide2' */
  drive?: string;
  /** Recording date inside the image. @default now */
  date?: Date;
}

export interface NoCloudResult {
  /** `local:iso/cidata-101-<hash>.iso` */
  volid: string;
  drive: string;
  /** False when that image was on the storage already. */
  uploaded: boolean;
  /** Size of the image in bytes. */
  size: number;
}

/** The seed image's files, in cloud-init's names. */
export function noCloudFiles(
  data: NoCloudData,
  defaults: { instanceId: string; hostname?: string },
): IsoFile[] {
  const text = (s: string) => new TextEncoder().encode(s);
  const meta =
    data.metaData ??
    `instance-id: ${defaults.instanceId}\n${defaults.hostname ? `local-hostname: ${defaults.hostname}\n` : ''}`;
  const files: IsoFile[] = [
    { name: 'user-data', data: text(data.userData) },
    { name: 'meta-data', data: text(meta) },
  ];
  if (data.networkConfig !== undefined)
    files.push({ name: 'network-config', data: text(data.networkConfig) });
  if (data.vendorData !== undefined) files.push({ name: 'vendor-data', data: text(data.vendorData) });
  return files;
}

/** A NoCloud seed image: ISO 9660 with Joliet names, labelled `cidata`. */
export function noCloudIso(files: readonly IsoFile[], date?: Date): Uint8Array {
  return buildIso({ volumeId: 'cidata', files, ...(date === undefined ? {} : { date }) });
}

export async function attachNoCloud(g: Guest, options: NoCloudOptions): Promise<NoCloudResult> {
  if (g.type !== 'qemu') throw new InvalidArgumentError('NoCloud ISO: only QEMU VMs boot from a CD-ROM');
  const drive = options.drive ?? 'ide2';
  if (!/^(ide|sata|scsi)\d+$/.test(drive))
    throw new InvalidArgumentError(`NoCloud ISO: '${drive}' is not a CD-ROM slot (ide2, sata0, scsi1, ...)`);
  const storage = options.storage ?? 'local';
  const call = signalOf(options);
  const config = await g.config(call);
  checkDrives(config, drive);

  const hash = contentHash(options);
  const files = noCloudFiles(options, {
    instanceId: `iid-${g.vmid}-${hash}`,
    ...(typeof config.name === 'string' ? { hostname: config.name } : {}),
  });
  const image = noCloudIso(files, options.date);
  const filename = `cidata-${g.vmid}-${hash}.iso`;
  const volid = `${storage}:iso/${filename}`;
  const present = await g.client.call<Array<{ volid: string }>>(
    'GET /nodes/{node}/storage/{storage}/content',
    { node: g.node, storage, content: 'iso' },
    call,
  );
  const uploaded = !present.some((v) => v.volid === volid);
  if (uploaded) await upload(g, storage, filename, image, call);
  await g.configure({ [drive]: `${volid},media=cdrom` }, call);
  return { volid, drive, uploaded, size: image.length };
}

/**
 * Two `cidata` sources would leave cloud-init to pick one, so a PVE cloud-init drive refuses
 * the seed; so does a disk in the slot, which PVE would turn into an unused volume.
 */
function checkDrives(config: Record<string, string | number>, drive: string): void {
  for (const [key, value] of Object.entries(config)) {
    if (/^(ide|sata|scsi|virtio)\d+$/.test(key) && isCloudInitDrive(String(value)))
      throw new InvalidArgumentError(
        `NoCloud ISO: ${key} is a PVE cloud-init drive already; remove it or use guest.cloudInit()`,
      );
  }
  const current = config[drive];
  if (current !== undefined && !/(^|,)media=cdrom(,|$)/.test(String(current)))
    throw new InvalidArgumentError(`NoCloud ISO: ${drive} holds a disk (${current}), not a CD-ROM`);
}

/**
 * `local-lvm:vm-101-cloudinit,media=cdrom` as stored, `local-lvm:cloudinit` as asked for:
 * qemu-server PVE/QemuServer/Drive.pm drive_is_cloudinit matches the volume the same way.
 */
function isCloudInitDrive(value: string): boolean {
  const file = value.split(',')[0] ?? '';
  return /[:/](vm-\d+-)?cloudinit(\.(raw|cow|qcow|qed|qcow2|vmdk|cloop))?$/.test(file);
}

function contentHash(data: NoCloudData): string {
  const h = createHash('sha256');
  for (const part of [data.userData, data.metaData, data.networkConfig, data.vendorData])
    h.update(part === undefined ? '\u0000' : `\u0001${part.length}:${part}`);
  return h.digest('hex').slice(0, 12);
}

/** Uploads go from a file (streamed, checksummed); the image lives in a private temp dir meanwhile. */
async function upload(
  g: Guest,
  storage: string,
  filename: string,
  image: Uint8Array,
  call: WorkflowOptions,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'proxmox-nocloud-'));
  try {
    const file = join(dir, filename);
    await writeFile(file, image, { mode: 0o600 });
    await g.client.px.files.upload({
      node: g.node,
      storage,
      content: 'iso',
      file,
      checksum: 'sha256',
      ...(call.signal === undefined ? {} : { signal: call.signal }),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
