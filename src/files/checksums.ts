/**
 * Checksums for storage uploads and URL downloads: computing one for a local file, and
 * finding the published one for a URL.
 *
 * Discovery looks where distributions publish them, in this order:
 * `<url>.sha256`, `<url>.sha512` (one hash, maybe followed by the name), then `SHA256SUMS`,
 * `SHA512SUMS`, `sha256sums.txt` in the same directory (GNU `hash  name` / `hash *name`
 * lines, or BSD `SHA256 (name) = hash`). Only the algorithms Proxmox accepts are used.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InvalidArgumentError } from '../core/errors.js';

/** What `checksum-algorithm` accepts on PVE. */
export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Checksum {
  algorithm: ChecksumAlgorithm;
  /** Lower-case hex. */
  value: string;
}

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/** Checks a checksum given by the caller; answers it normalised. */
export function checkChecksum(checksum: { algorithm: string; value: string }): Checksum {
  const algorithm = checksum.algorithm.toLowerCase() as ChecksumAlgorithm;
  if (!CHECKSUM_ALGORITHMS.includes(algorithm)) {
    throw new InvalidArgumentError(
      `checksum algorithm '${checksum.algorithm}': expected one of ${CHECKSUM_ALGORITHMS.join(', ')}`,
    );
  }
  const value = checksum.value.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(value) || value.length !== HEX_LENGTH[algorithm]) {
    throw new InvalidArgumentError(
      `checksum: expected ${HEX_LENGTH[algorithm]} hex digits for ${algorithm}, got ${value.length} characters`,
    );
  }
  return { algorithm, value };
}

/** Hashes a local file as a stream (files larger than memory are fine). */
export async function fileChecksum(path: string, algorithm: ChecksumAlgorithm = 'sha256'): Promise<Checksum> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return { algorithm, value: hash.digest('hex') };
}

/**
 * Finds `fileName`'s hash in a checksum file's text (GNU or BSD layout), or the single
 * hash of a sibling file such as `x.iso.sha256`.
 */
export function findInSums(text: string, fileName: string, algorithm: ChecksumAlgorithm): string | undefined {
  const len = HEX_LENGTH[algorithm];
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of lines) {
    const bsd = /^([A-Z0-9-]+)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)$/.exec(line);
    if (bsd) {
      const algo = bsd[1]!.toLowerCase().replace('-', '');
      if (algo === algorithm && baseName(bsd[2]!) === fileName && bsd[3]!.length === len) {
        return bsd[3]!.toLowerCase();
      }
      continue;
    }
    const gnu = /^([0-9a-fA-F]+)(?:\s+\*?(.+))?$/.exec(line);
    if (!gnu || gnu[1]!.length !== len) continue;
    const name = gnu[2]?.trim();
    // A sibling `.sha256` file often holds just the hash: it is about this file only.
    if (name === undefined ? lines.length === 1 : baseName(name.replace(/^\*/, '')) === fileName) {
      return gnu[1]!.toLowerCase();
    }
  }
  return undefined;
}

function baseName(path: string): string {
  return path.replace(/^\.\//, '').split('/').pop() ?? path;
}

interface Candidate {
  url: string;
  algorithm: ChecksumAlgorithm;
}

/** Where to look for a URL's checksum, most specific first. */
export function checksumCandidates(url: string): Candidate[] {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  const file = u.href;
  const dir = new URL('./', u).href;
  return [
    { url: `${file}.sha256`, algorithm: 'sha256' },
    { url: `${file}.sha512`, algorithm: 'sha512' },
    { url: `${dir}SHA256SUMS`, algorithm: 'sha256' },
    { url: `${dir}SHA512SUMS`, algorithm: 'sha512' },
    { url: `${dir}sha256sums.txt`, algorithm: 'sha256' },
  ];
}

export interface DiscoverOptions {
  /** Milliseconds per checksum file fetch. @default 10000 */
  timeout?: number;
  signal?: AbortSignal;
  /** Injected fetcher, for tests; answers the body or undefined (missing). */
  fetchText?: (url: string) => Promise<string | undefined>;
}

/** Largest checksum file read (a SHA256SUMS of a big mirror directory stays far below this). */
const MAX_SUMS_BYTES = 1024 * 1024;

/**
 * A checksum file's text, or undefined when it is missing, too large or unreachable. Our HTTP
 * client follows redirects (mirrors) and honours HTTPS_PROXY/NO_PROXY; it is loaded on first
 * use, so that importing the SDK does not load it for this.
 */
async function fetchText(url: string, options: DiscoverOptions): Promise<string | undefined> {
  try {
    const { httpGet } = await import('../transports/http/http-get.js');
    const res = await httpGet(url, {
      timeout: options.timeout ?? 10_000,
      signal: options.signal,
      maxBytes: MAX_SUMS_BYTES,
    });
    if (res.status !== 200 || res.body === undefined) return undefined;
    return res.body.toString('utf8');
  } catch {
    if (options.signal?.aborted) throw options.signal.reason;
    // A missing or unreachable checksum file only means there is nothing to discover there.
    return undefined;
  }
}

/** The published checksum of `url`'s file, or undefined when none is found. */
export async function discoverChecksum(
  url: string,
  fileName: string,
  options: DiscoverOptions = {},
): Promise<(Checksum & { source: string }) | undefined> {
  const get = options.fetchText ?? ((u: string) => fetchText(u, options));
  for (const candidate of checksumCandidates(url)) {
    const text = await get(candidate.url);
    if (text === undefined) continue;
    const value = findInSums(text, fileName, candidate.algorithm);
    if (value !== undefined) return { algorithm: candidate.algorithm, value, source: candidate.url };
  }
  return undefined;
}
