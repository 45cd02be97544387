/**
 * Reads an ISO 9660 image back, independently of the writer: volume descriptors from
 * sector 16 on (ECMA-119 8), the root directory of the primary and of the Joliet tree (9.1),
 * path tables (9.4) and file contents. Only what a one-directory image needs.
 */
const SECTOR = 2048;

export interface DirEntry {
  name: string;
  extent: number;
  size: number;
  directory: boolean;
  /** ECMA-119 9.1.5, as a UTC date. */
  recorded: Date;
}

export interface Descriptor {
  type: number;
  volumeId: string;
  spaceSize: number;
  blockSize: number;
  escape: string;
  pathTableSize: number;
  lPathTable: number;
  mPathTable: number;
  root: DirEntry;
  created: string;
}

const ascii = (b: Uint8Array) => String.fromCharCode(...b);
const ucs2 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
  return s;
};

/** A both-endian field: the two halves must agree. */
function both32(v: DataView, at: number): number {
  const le = v.getUint32(at, true);
  if (le !== v.getUint32(at + 4, false)) throw new Error(`both-endian mismatch at ${at}`);
  return le;
}

function record(image: Uint8Array, at: number, joliet: boolean): DirEntry {
  const v = new DataView(image.buffer, image.byteOffset);
  const idLength = image[at + 32]!;
  const id = image.subarray(at + 33, at + 33 + idLength);
  const name = idLength === 1 && id[0]! <= 1 ? (id[0] === 0 ? '.' : '..') : joliet ? ucs2(id) : ascii(id);
  const t = image.subarray(at + 18, at + 25);
  return {
    name,
    extent: both32(v, at + 2),
    size: both32(v, at + 10),
    directory: (image[at + 25]! & 0x02) !== 0,
    recorded: new Date(Date.UTC(1900 + t[0]!, t[1]! - 1, t[2]!, t[3]!, t[4]!, t[5]!)),
  };
}

export function descriptors(image: Uint8Array): Descriptor[] {
  const out: Descriptor[] = [];
  const v = new DataView(image.buffer, image.byteOffset);
  for (let sector = 16; ; sector++) {
    const o = sector * SECTOR;
    if (ascii(image.subarray(o + 1, o + 6)) !== 'CD001') throw new Error(`no descriptor at ${sector}`);
    const type = image[o]!;
    if (type === 255) return out;
    const joliet = type === 2;
    const text = (at: number, n: number) =>
      (joliet
        ? ucs2(image.subarray(o + at, o + at + n))
        : ascii(image.subarray(o + at, o + at + n))
      ).trimEnd();
    out.push({
      type,
      volumeId: text(40, 32),
      spaceSize: both32(v, o + 80),
      blockSize: v.getUint16(o + 128, true),
      escape: ascii(image.subarray(o + 88, o + 91)),
      pathTableSize: both32(v, o + 132),
      lPathTable: v.getUint32(o + 140, true),
      mPathTable: v.getUint32(o + 148, false),
      root: record(image, o + 156, joliet),
      created: ascii(image.subarray(o + 813, o + 829)),
    });
  }
}

/** The records of a directory, in the order they are stored. */
export function listDirectory(image: Uint8Array, dir: DirEntry, joliet: boolean): DirEntry[] {
  const out: DirEntry[] = [];
  let at = dir.extent * SECTOR;
  const end = at + dir.size;
  while (at < end && image[at]! > 0) {
    out.push(record(image, at, joliet));
    at += image[at]!;
  }
  return out;
}

/** The extent a path table's root record names (the first record; little- or big-endian). */
export function pathTableRoot(image: Uint8Array, sector: number, little: boolean): number {
  const v = new DataView(image.buffer, image.byteOffset);
  return v.getUint32(sector * SECTOR + 2, little);
}

export function contents(image: Uint8Array, entry: DirEntry): string {
  return new TextDecoder().decode(image.subarray(entry.extent * SECTOR, entry.extent * SECTOR + entry.size));
}
