/**
 * A guest's disks, read from its config (`scsi0: local-lvm:vm-100-disk-0,size=32G`).
 * Lists such as `/cluster/resources` read every guest's disks on every request, so each
 * parsed `key: value` is remembered: the result depends on the text alone, never on state.
 */
import type { Guest } from './cluster-state.js';

export interface GuestDisk {
  /** The storage in the volume id, or undefined for a volume without one (`none`, a path). */
  storage: string | undefined;
  volid: string;
  size: number;
  /** `unusedN`: detached, still on its storage, not part of the guest's size. */
  unused: boolean;
}

const DISK_KEY = /^(scsi|sata|ide|virtio|efidisk|tpmstate|rootfs|mp|unused)\d*$/;
const SIZE_OPTION = /(?:^|,)size=([^,]+)/;
const SIZE = /^(\d+(?:\.\d+)?)([KMGT])?$/;
const SIZE_UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `32G` -> bytes; a bare number is in GiB, as PVE reads sizes. */
export function sizeToBytes(text: string): number {
  const match = SIZE.exec(text);
  if (!match) return 0;
  return Math.round(Number(match[1]) * (SIZE_UNITS[match[2] ?? 'G'] ?? 1));
}

/**
 * Parsed disks by config key, then by value; `null`: not a disk (another key, or a CD-ROM).
 * Two levels, so that each lookup hashes a string the config already holds (V8 keeps a
 * string's hash), not a new key made per lookup.
 */
const parsed = new Map<string, Map<string, GuestDisk | null> | null>();
const MEMO_LIMIT = 50_000;
let remembered = 0;

function parseDisk(key: string, value: string): GuestDisk | null {
  let byValue = parsed.get(key);
  if (byValue === undefined) {
    byValue = DISK_KEY.test(key) ? new Map() : null;
    parsed.set(key, byValue);
  }
  if (byValue === null) return null;
  const known = byValue.get(value);
  if (known !== undefined) return known;
  let disk: GuestDisk | null = null;
  if (!value.includes('media=cdrom')) {
    const volid = value.split(',', 1)[0] ?? '';
    const colon = volid.indexOf(':');
    disk = {
      storage: colon > 0 ? volid.slice(0, colon) : undefined,
      volid,
      size: sizeToBytes(SIZE_OPTION.exec(value)?.[1] ?? '0'),
      unused: key.startsWith('unused'),
    };
  }
  if (++remembered > MEMO_LIMIT) {
    parsed.clear();
    remembered = 0;
  }
  byValue.set(value, disk);
  return disk;
}

/** The guest's disks and detached volumes, CD-ROMs left out. */
export function guestDisks(guest: Guest): GuestDisk[] {
  return configDisks(guest.config);
}

/** The disks one config record names (the current one, `pending` or a snapshot's). */
export function configDisks(config: Readonly<Record<string, string>>): GuestDisk[] {
  const out: GuestDisk[] = [];
  for (const key in config) {
    const disk = parseDisk(key, config[key] ?? '');
    if (disk !== null) out.push(disk);
  }
  return out;
}

/** Sum of the sizes of the guest's attached disks (its `maxdisk`). */
export function diskBytes(guest: Guest): number {
  let total = 0;
  const config = guest.config;
  for (const key in config) {
    const disk = parseDisk(key, config[key] ?? '');
    if (disk !== null && !disk.unused) total += disk.size;
  }
  return total;
}
