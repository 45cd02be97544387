/**
 * A minimal ISO 9660 image writer: one root directory of small files, with a Joliet tree so
 * names keep their case and hyphens (`user-data`), as `genisoimage -joliet` writes them.
 * Enough for cloud-init's NoCloud seed (blkid finds the volume label, the kernel's iso9660
 * driver reads the Joliet names). ECMA-119 (ISO 9660) gives the layout; Joliet is a
 * Supplementary Volume Descriptor with UCS-2 names (escape sequence `%/E`, level 3).
 *
 * Layout, in 2048-byte sectors: 0-15 system area; 16 primary descriptor; 17 Joliet
 * descriptor; 18 terminator; 19-22 path tables (L and M per tree); 23 the primary root
 * directory; 24 the Joliet root; then each file's data from a sector boundary, shared by
 * both trees.
 */
import { InvalidArgumentError } from '../core/errors.js';

export const SECTOR = 2048;

export interface IsoFile {
  /** Name in the Joliet tree (at most 64 characters, no `/`). */
  name: string;
  data: Uint8Array;
}

export interface IsoOptions {
  /** Volume label (at most 16 characters: Joliet's limit). */
  volumeId: string;
  files: readonly IsoFile[];
  /** Recording date of the volume and its files. @default now */
  date?: Date;
}

const PVD_SECTOR = 16;
const ROOT_SECTOR = 23;
const JOLIET_ROOT_SECTOR = 24;
const FIRST_FILE_SECTOR = 25;

export function buildIso(options: IsoOptions): Uint8Array {
  const { volumeId, files } = options;
  if (volumeId.length === 0 || volumeId.length > 16 || !/^[\x20-\x7e]+$/.test(volumeId))
    throw new InvalidArgumentError(`ISO volume id '${volumeId}': 1-16 printable ASCII characters`);
  const names = new Set<string>();
  for (const f of files) {
    // Joliet forbids * / : ; ? \ in names; `;` also starts the version suffix.
    if (f.name.length === 0 || f.name.length > 64 || /[*/:;?\\\0]/.test(f.name) || names.has(f.name))
      throw new InvalidArgumentError(
        `ISO file name '${f.name}': 1-64 characters, none of * / : ; ? \\, unique`,
      );
    names.add(f.name);
  }
  const date = options.date ?? new Date();
  // ECMA-119 9.3: records sorted by identifier; Joliet sorts its UCS-2 names the same way.
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let next = FIRST_FILE_SECTOR;
  const placed = sorted.map((f) => {
    const at = next;
    next += Math.max(1, Math.ceil(f.data.length / SECTOR));
    return { ...f, at };
  });
  const total = next;
  const image = new Uint8Array(total * SECTOR);
  const view = new DataView(image.buffer);

  const short = shortNames(placed.map((f) => f.name));
  const primary = placed
    .map((f, i) => ({ id: `${short[i]};1`, f }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rootRecord = (sector: number) => dirRecord(sector, SECTOR, 0x02, Uint8Array.of(0), date);
  const primaryRoot = directory(
    ROOT_SECTOR,
    primary.map(({ id, f }) => dirRecord(f.at, f.data.length, 0, ascii(id), date)),
    date,
  );
  const jolietRoot = directory(
    JOLIET_ROOT_SECTOR,
    placed.map((f) => dirRecord(f.at, f.data.length, 0, ucs2(`${f.name};1`), date)),
    date,
  );
  image.set(primaryRoot, ROOT_SECTOR * SECTOR);
  image.set(jolietRoot, JOLIET_ROOT_SECTOR * SECTOR);
  for (const f of placed) image.set(f.data, f.at * SECTOR);

  // Path tables (ECMA-119 9.4): just the root, once little-endian (L) and once big-endian (M).
  const pathTable = (sector: number, root: number, little: boolean) => {
    const o = sector * SECTOR;
    image[o] = 1; // identifier length; the root's identifier is one zero byte
    view.setUint32(o + 2, root, little);
    view.setUint16(o + 6, 1, little); // parent: itself
  };
  pathTable(19, ROOT_SECTOR, true);
  pathTable(20, ROOT_SECTOR, false);
  pathTable(21, JOLIET_ROOT_SECTOR, true);
  pathTable(22, JOLIET_ROOT_SECTOR, false);

  const descriptor = (sector: number, joliet: boolean) => {
    const o = sector * SECTOR;
    image[o] = joliet ? 2 : 1;
    image.set(ascii('CD001'), o + 1);
    image[o + 6] = 1;
    // Text fields, space-padded to `width` bytes; Joliet's hold floor(width / 2) UCS-2 characters.
    const text = (at: number, width: number, value: string) =>
      image.set(joliet ? ucs2(value.padEnd(Math.floor(width / 2))) : ascii(value.padEnd(width)), o + at);
    text(8, 32, '');
    text(40, 32, volumeId);
    both32(view, o + 80, total);
    if (joliet) image.set(ascii('%/E'), o + 88); // UCS-2 level 3
    both16(view, o + 120, 1); // volume set size
    both16(view, o + 124, 1); // volume sequence number
    both16(view, o + 128, SECTOR);
    both32(view, o + 132, 10); // path table size: the root's 10-byte record
    view.setUint32(o + 140, joliet ? 21 : 19, true);
    view.setUint32(o + 148, joliet ? 22 : 20, false);
    image.set(rootRecord(joliet ? JOLIET_ROOT_SECTOR : ROOT_SECTOR), o + 156);
    for (const [at, width] of [
      [190, 128], // volume set
      [318, 128], // publisher
      [446, 128], // data preparer
    ] as const)
      text(at, width, '');
    text(574, 128, 'PROXMOX-SDK');
    for (const [at, width] of [
      [702, 37], // copyright, abstract and bibliographic file ids
      [739, 37],
      [776, 37],
    ] as const)
      text(at, width, '');
    image.set(longDate(date), o + 813); // creation
    image.set(longDate(date), o + 830); // modification
    image.set(longDate(undefined), o + 847); // expiration: none
    image.set(longDate(undefined), o + 864); // effective: at once
    image[o + 881] = 1; // file structure version
  };
  descriptor(PVD_SECTOR, false);
  descriptor(PVD_SECTOR + 1, true);
  const end = (PVD_SECTOR + 2) * SECTOR;
  image[end] = 255; // terminator
  image.set(ascii('CD001'), end + 1);
  image[end + 6] = 1;
  return image;
}

/** A one-sector directory: `.` and `..` (both the root itself), then the records. */
function directory(sector: number, records: Uint8Array[], date: Date): Uint8Array {
  const all = [
    dirRecord(sector, SECTOR, 0x02, Uint8Array.of(0), date),
    dirRecord(sector, SECTOR, 0x02, Uint8Array.of(1), date),
    ...records,
  ];
  const size = all.reduce((n, r) => n + r.length, 0);
  if (size > SECTOR) throw new InvalidArgumentError('ISO: too many files for one directory sector');
  const out = new Uint8Array(SECTOR);
  let at = 0;
  for (const r of all) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

/** ECMA-119 9.1: a directory record, padded to an even length. */
function dirRecord(extent: number, length: number, flags: number, id: Uint8Array, date: Date): Uint8Array {
  const size = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
  const r = new Uint8Array(size);
  const v = new DataView(r.buffer);
  r[0] = size;
  both32(v, 2, extent);
  both32(v, 10, length);
  r.set(
    [
      date.getUTCFullYear() - 1900,
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      0,
    ],
    18,
  );
  r[25] = flags;
  both16(v, 28, 1);
  r[32] = id.length;
  r.set(id, 33);
  return r;
}

/** ECMA-119 8.4.26.1: "YYYYMMDDHHMMSScc" and a zone byte; all zeros for "not specified". */
function longDate(date: Date | undefined): Uint8Array {
  if (date === undefined) return Uint8Array.from([...ascii('0000000000000000'), 0]);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const text =
    p(date.getUTCFullYear(), 4) +
    p(date.getUTCMonth() + 1) +
    p(date.getUTCDate()) +
    p(date.getUTCHours()) +
    p(date.getUTCMinutes()) +
    p(date.getUTCSeconds()) +
    p(Math.floor(date.getUTCMilliseconds() / 10));
  return Uint8Array.from([...ascii(text), 0]);
}

/**
 * Level 1 names for the primary tree (d-characters, 8.3), for readers without Joliet:
 * `user-data` becomes `USER_DAT.`, made unique with a digit when two collide.
 */
function shortNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const dot = name.lastIndexOf('.');
    const clean = (s: string) => s.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    const base = clean(dot > 0 ? name.slice(0, dot) : name).slice(0, 8);
    const ext = dot > 0 ? clean(name.slice(dot + 1)).slice(0, 3) : '';
    let candidate = `${base}.${ext}`;
    for (let n = 1; used.has(candidate); n++) candidate = `${base.slice(0, 8 - String(n).length)}${n}.${ext}`;
    used.add(candidate);
    return candidate;
  });
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** UCS-2 big-endian, as Joliet stores names and identifiers. */
function ucs2(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[i * 2] = s.charCodeAt(i) >> 8;
    out[i * 2 + 1] = s.charCodeAt(i) & 0xff;
  }
  return out;
}

/** ECMA-119 7.3.3 / 7.2.3: both-byte orders, little-endian first. */
function both32(v: DataView, at: number, n: number): void {
  v.setUint32(at, n, true);
  v.setUint32(at + 4, n, false);
}

function both16(v: DataView, at: number, n: number): void {
  v.setUint16(at, n, true);
  v.setUint16(at + 2, n, false);
}
