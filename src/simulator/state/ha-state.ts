/**
 * High availability as PVE 9 keeps it: `ha/resources.cfg` (one section per managed
 * guest, `vm:100` or `ct:101`), `ha/rules.cfg` (node and resource affinity rules; HA
 * groups are migrated to rules on PVE 9) and the CRM's manager status. Values are text.
 */
import { sectionDigest } from './config-digest.js';

export type HaConfig = Record<string, string>;

export class HaState {
  /** sid -> options (`type`, `state`, `max_restart`, `comment`, ...). */
  readonly resources = new Map<string, HaConfig>();
  /** rule id -> options (`type`, `resources`, `nodes`, `affinity`, `strict`, ...). */
  readonly rules = new Map<string, HaConfig>();
  /** rule id -> its ordinal (PVE keeps rules in creation order). */
  readonly order = new Map<string, number>();
  /** Simulator clock ms when the CRM became master: the first resource wakes it. */
  masterSince: number | undefined;

  get resourcesDigest(): string {
    return sectionDigest(this.resources);
  }

  get rulesDigest(): string {
    return sectionDigest(this.rules);
  }

  addRule(id: string, options: HaConfig): void {
    const next = Math.max(0, ...this.order.values()) + 1;
    this.rules.set(id, options);
    this.order.set(id, next);
  }

  deleteRule(id: string): void {
    this.rules.delete(id);
    this.order.delete(id);
  }

  /**
   * Drops a resource from every rule that names it, and rules left without resources
   * (what `DELETE /cluster/ha/resources/{sid}` does with `purge`, its default).
   */
  purgeFromRules(sid: string): void {
    for (const [id, rule] of this.rules) {
      const left = (rule.resources ?? '').split(',').filter((r) => r !== '' && r !== sid);
      if (left.length === 0) this.deleteRule(id);
      else rule.resources = left.join(',');
    }
  }
}
