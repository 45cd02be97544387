/**
 * Firewall configuration as PVE keeps it: `cluster.fw` (rules, security groups, aliases,
 * IP sets, options), one `host.fw` per node and one `<vmid>.fw` per guest. Values are
 * text, as in the files.
 */
import type { Guest } from './cluster-state.js';

/** One rule: its properties as text (`type`, `action`, `enable`, `proto`, ...). */
export type FwRule = Record<string, string>;

export interface FwAlias {
  /** As created; look-ups ignore case, as PVE's do. */
  name: string;
  cidr: string;
  comment?: string;
}

export interface FwIpEntry {
  cidr: string;
  nomatch?: boolean;
  comment?: string;
}

export interface FwIpset {
  comment?: string;
  entries: FwIpEntry[];
}

export interface FwGroup {
  comment?: string;
  rules: FwRule[];
}

/** What a `.fw` file holds. */
export class FwConf {
  rules: FwRule[] = [];
  options: Record<string, string> = {};
  /** Key: the lower-case alias name. */
  readonly aliases = new Map<string, FwAlias>();
  readonly ipsets = new Map<string, FwIpset>();
}

export class ClusterFwConf extends FwConf {
  readonly groups = new Map<string, FwGroup>();
}

export class FirewallState {
  readonly cluster = new ClusterFwConf();
  readonly #hosts = new Map<string, FwConf>();
  readonly #guests = new Map<number, { owner: Guest | undefined; conf: FwConf }>();

  host(node: string): FwConf {
    let conf = this.#hosts.get(node);
    if (!conf) {
      conf = new FwConf();
      this.#hosts.set(node, conf);
    }
    return conf;
  }

  /**
   * The guest's `<vmid>.fw`. PVE reads it whether or not the guest exists and removes it
   * when the guest is destroyed: a file written for a guest that is gone now reads empty.
   */
  guest(vmid: number, current: Guest | undefined): FwConf {
    const entry = this.#guests.get(vmid);
    if (entry && (entry.owner === undefined || entry.owner === current)) {
      entry.owner ??= current;
      return entry.conf;
    }
    const conf = new FwConf();
    this.#guests.set(vmid, { owner: current, conf });
    return conf;
  }
}
