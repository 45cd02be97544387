/**
 * Config values the servers rewrite on the way in, and the `digest` of what they store.
 * - qemu `netN` (qemu-server PVE/QemuServer/Network.pm `parse_net` / `print_net`, called from
 *   API2/Qemu.pm `create_vm` via `add_random_macs` and from `update_vm_api`): a NIC without a
 *   MAC gets one, written `virtio=BC:24:11:..`; a NIC set again without one gets a new one.
 * - lxc `netN` (pve-container LXC/Config.pm `parse_lxc_network`): `type=veth` and `hwaddr`.
 * - qemu `vmgenid: 1` (`update_vm_api`, `create_vm`): a fresh UUID.
 * - drive options come back in `print_property_string` order.
 */
import { createHash } from 'node:crypto';
import type { EngineCore } from '../../engine/engine-core.js';
import type { Guest, GuestType } from '../../state/cluster-state.js';
import { isDriveKey } from './drives.js';
import { newUuid, randomMac } from './generated-ids.js';
import { formatOf, parseProps, printProps } from './property-string.js';

/** The config file as the server writes it, so that every change moves the digest. */
function configText(guest: Guest): string {
  const lines = (config: Record<string, string>): string =>
    Object.keys(config)
      .sort()
      .map((k) => `${k}: ${config[k]}\n`)
      .join('');
  let text = lines({
    ...guest.config,
    ...(guest.lock ? { lock: guest.lock } : {}),
    ...(guest.template ? { template: '1' } : {}),
  });
  if (Object.keys(guest.pending).length > 0 || guest.pendingDelete.size > 0) {
    text += `\n[PENDING]\n${lines(guest.pending)}`;
    if (guest.pendingDelete.size > 0) text += `delete: ${[...guest.pendingDelete].sort().join(',')}\n`;
  }
  for (const [name, snapshot] of guest.snapshots) text += `\n[${name}]\n${lines(snapshot.config)}`;
  return text;
}

/** PVE's digest: SHA-1 of the config file (PVE::Tools `get_file` + `sha1_hex` in cfs_read_file). */
export function configDigest(guest: Guest): string {
  return createHash('sha1').update(configText(guest)).digest('hex');
}

function normalizeNet(core: EngineCore, type: GuestType, key: string, value: string): string {
  const format = formatOf(type, key);
  if (!format) return value;
  const net = parseProps(format, value);
  if (type === 'qemu') net.macaddr ??= randomMac(core.cluster);
  else {
    net.type = 'veth';
    net.hwaddr ??= randomMac(core.cluster);
  }
  return printProps(format, net);
}

/** The value as the server stores it for this key (before any disk is allocated). */
export function normalizeValue(core: EngineCore, type: GuestType, key: string, value: string): string {
  if (/^net\d+$/.test(key)) return normalizeNet(core, type, key, value);
  if (type === 'qemu' && key === 'vmgenid' && value === '1') return newUuid(core.cluster);
  if (isDriveKey(type, key)) {
    const format = formatOf(type, key);
    return format ? printProps(format, parseProps(format, value)) : value;
  }
  return value;
}
