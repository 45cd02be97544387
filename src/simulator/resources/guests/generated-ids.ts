/**
 * Values PVE generates for a guest: MAC addresses (pve-common Tools.pm `random_ether_addr`
 * with datacenter.cfg's `mac_prefix`, `BC:24:11` by default) and UUIDs (qemu-server
 * `generate_uuid`, for `smbios1` and `vmgenid`).
 */
import type { ClusterState } from '../../state/cluster-state.js';

const MAC_PREFIX = 'BC:24:11';

export function randomMac(cluster: ClusterState): string {
  const hex = cluster.freshHex('mac').toUpperCase();
  return `${MAC_PREFIX}:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

/** A version 4 UUID. */
export function newUuid(cluster: ClusterState): string {
  const h = cluster.freshHex('uuid');
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
