/** Look-ups and answers shared by the qemu and lxc handlers. */

import type { EngineCore } from '../../engine/engine-core.js';
import { type HandlerContext, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import type { ClusterState, Guest, GuestType } from '../../state/cluster-state.js';

export { diskBytes, sizeToBytes } from '../../state/guest-disks.js';

/** A boolean API parameter as PVE's schema accepts it (1, true, yes, on). */
export const yes = (v: string | string[] | undefined): boolean => /^(1|true|yes|on)$/i.test(str(v) ?? '');

export function memoryBytes(guest: Guest): number {
  return Number(guest.config.memory ?? (guest.type === 'qemu' ? 2048 : 512)) * 1024 ** 2;
}

export function requireNode(core: EngineCore, node: string | undefined): string {
  if (!node || !core.cluster.nodes.has(node)) {
    const name = node ?? '';
    throw new SimError(
      500,
      `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`,
    );
  }
  return node;
}

export function parseVmid(value: string | undefined): number {
  if (!value || !/^\d+$/.test(value)) throw paramError({ vmid: `value does not look like a valid VM ID` });
  const vmid = Number(value);
  if (vmid < 100 || vmid > 999_999_999) throw paramError({ vmid: 'value must be at least 100' });
  return vmid;
}

/** The guest of this type on this node, with PVE's error when its config is elsewhere. */
export function findGuest(ctx: HandlerContext, type: GuestType): Guest {
  const node = requireNode(ctx.core, str(ctx.params.node));
  const vmid = parseVmid(str(ctx.params.vmid));
  const guest = ctx.core.cluster.guests.get(vmid);
  if (!guest || guest.type !== type || guest.node !== node) {
    const dir = type === 'qemu' ? 'qemu-server' : 'lxc';
    throw new SimError(500, `Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`);
  }
  return guest;
}

export function assertUnlocked(guest: Guest): void {
  if (guest.lock) throw new SimError(500, `VM ${guest.vmid} is locked (${guest.lock})`);
}

export function assertVmidFree(cluster: ClusterState, vmid: number): void {
  const other = cluster.guests.get(vmid);
  if (other)
    throw new SimError(
      500,
      `unable to create VM ${vmid} - VM ${vmid} already exists on node '${other.node}'`,
    );
}

export function uptimeSeconds(core: EngineCore, guest: Guest): number {
  if (guest.status === 'stopped' || guest.startedAt === undefined) return 0;
  return Math.max(0, Math.floor((core.clock.now() - guest.startedAt) / 1000));
}

/** Deterministic "usage" figures so lists look alive without randomness. */
export function usage(
  guest: Guest,
  uptime: number,
): { cpu: number; mem: number; netin: number; netout: number } {
  if (uptime === 0) return { cpu: 0, mem: 0, netin: 0, netout: 0 };
  const seed = (guest.vmid * 2654435761) % 1000;
  return {
    cpu: Number(((seed % 100) / 1000).toFixed(4)),
    mem: Math.floor(memoryBytes(guest) * (0.2 + (seed % 50) / 100)),
    netin: uptime * (1000 + seed),
    netout: uptime * (500 + seed),
  };
}

/** Config keys a create call carries that are not part of the stored configuration. */
export const CREATE_ONLY_PARAMS = new Set([
  'node',
  'vmid',
  'start',
  'archive',
  'storage',
  'pool',
  'unique',
  'force',
  'live-restore',
  'bwlimit',
  'ostemplate',
  'password',
  'ssh-public-keys',
  'restore',
  'ignore-unpack-errors',
]);
