/**
 * The `digest` PVE hands out with configuration and checks on change: SHA-1 over the
 * configuration's content, so any change (by anyone) makes an old digest stale.
 */
import { createHash } from 'node:crypto';

type Sha1 = ReturnType<typeof createHash>;

function addEntry(sha: Sha1, entry: object): void {
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (value === undefined || value === null || typeof value === 'object') continue;
    sha.update(`${key}:${String(value)}\n`);
  }
}

/** pve-firewall's `copy_list_with_digest`: every entry's sorted `key:value` lines. */
export function listDigest(list: readonly object[]): string {
  const sha = createHash('sha1');
  for (const entry of list) addEntry(sha, entry);
  return sha.digest('hex');
}

/** pve-firewall's `copy_opject_with_digest` (sic), for option sets. */
export function objectDigest(object: object): string {
  const sha = createHash('sha1');
  addEntry(sha, object);
  return sha.digest('hex');
}

/** A section config file (`type: id` then its keys), as HA and SDN keep them. */
export function sectionDigest(sections: ReadonlyMap<string, Record<string, string>>): string {
  const sha = createHash('sha1');
  for (const id of [...sections.keys()].sort()) {
    sha.update(`[${id}]\n`);
    addEntry(sha, sections.get(id) ?? {});
  }
  return sha.digest('hex');
}

/** What PVE answers when a `digest` parameter no longer matches (`assert_if_modified`). */
export const MODIFIED = 'detected modified configuration - file changed by other user? Try again.';
