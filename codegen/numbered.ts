/**
 * Highest index of numbered parameters (`net[n]`, `scsi[n]`, ...). The schema says it only
 * in prose or not at all, so the number is derived, never the text copied:
 * 1. concrete keys (`net0`..`net31`) that some schema lists for the same family of paths
 *    (PDM lists PVE guest configs key by key; PBS/PDM list `acmedomain0`..`acmedomain4`);
 * 2. the numbers in phrases like "n is 0 to 30", "n can be up to 14", "link0..link7";
 * 3. FALLBACK below, constants of Proxmox's own code, for what neither source gives.
 */
import type { RawNode, RawSchema } from './types.js';

/** qemu-server `$MAX_NUMA = 8` (numa0..numa7); the PDM schema spells these `numa_array`. */
const FALLBACK: Record<string, number> = { 'qemu:numa': 7 };

export type KeyEvidence = Map<string, number>;

export function familyOf(path: string): string {
  if (/\/qemu(\/|$)/.test(path)) return 'qemu';
  if (/\/lxc(\/|$)/.test(path)) return 'lxc';
  return '';
}

function note(evidence: KeyEvidence, key: string, n: number): void {
  evidence.set(key, Math.max(evidence.get(key) ?? -1, n));
}

/** Collects the highest concrete index per `family:prefix` from every schema's keys. */
export function collectKeyEvidence(trees: readonly RawNode[][]): KeyEvidence {
  const evidence: KeyEvidence = new Map();
  const walkSchema = (s: unknown, family: string): void => {
    if (!s || typeof s !== 'object') return;
    const o = s as RawSchema;
    const props = o.properties;
    if (props && typeof props === 'object') {
      for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
        const m = /^([a-z][a-z_-]*?)(\d+)$/.exec(k);
        if (m) {
          note(evidence, `${family}:${m[1]}`, Number(m[2]));
          note(evidence, `*:${m[1]}`, Number(m[2]));
        }
        walkSchema(v, family);
      }
    }
    walkSchema(o.items, family);
  };
  const walk = (n: RawNode): void => {
    for (const m of Object.values(n.info ?? {})) {
      walkSchema(m.parameters, familyOf(n.path));
      walkSchema(m.returns, familyOf(n.path));
    }
    for (const c of n.children ?? []) walk(c);
  };
  for (const t of trees) for (const n of t) walk(n);
  return evidence;
}

function fromText(prefix: string, text: string): number | undefined {
  const found: number[] = [];
  for (const re of [/\bn is 0 to (\d+)/g, /\bn can be up to (\d+)/g]) {
    for (const m of text.matchAll(re)) found.push(Number(m[1]));
  }
  const esc = prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  for (const m of text.matchAll(new RegExp(`\\b${esc}0\\.\\.${esc}(\\d+)`, 'g'))) found.push(Number(m[1]));
  return found.length ? Math.max(...found) : undefined;
}

/** The highest index of `prefix[n]` at `path`, or undefined when nothing says. */
export function numberedMax(
  prefix: string,
  path: string,
  text: string,
  evidence: KeyEvidence,
): number | undefined {
  const family = familyOf(path);
  return (
    evidence.get(`${family}:${prefix}`) ??
    (family === '' ? evidence.get(`*:${prefix}`) : undefined) ??
    fromText(prefix, text) ??
    FALLBACK[`${family}:${prefix}`]
  );
}
