/**
 * Which guest a command means: `<vmid>` (or a guest's name), with its node looked up in
 * `GET /cluster/resources` unless `--node` names it, and its type (qemu or lxc).
 */
import type { PveClient } from '../../workflows/client.js';
import { UsageError } from '../args.js';
import type { GuestSession } from './session.js';

export interface GuestTarget {
  node: string;
  vmid: number;
  type: 'qemu' | 'lxc';
  name: string;
}

/** Looks the guest up; GuestLookupError (exit 4, or 2 for an ambiguous name) when it is not one. */
export async function findGuest(session: GuestSession, ref: string | undefined): Promise<GuestTarget> {
  if (ref === undefined || ref === '') throw new UsageError('missing the guest: a VMID or a guest name');
  const { Guests } = await import('../../workflows/guests.js');
  // The CLI's client is typed for any service; the guest commands speak PVE's API.
  const guest = await new Guests(session.px as unknown as PveClient).find(ref, { signal: session.signal });
  return { node: guest.node, vmid: guest.vmid, type: guest.type, name: guest.name };
}

/**
 * A QEMU VM for the guest agent. With `--node` and a numeric VMID nothing is looked up
 * (one request fewer, and it works for a user who may not list /cluster/resources).
 */
export async function findVm(
  session: GuestSession,
  ref: string | undefined,
  node: string | undefined,
): Promise<{ node: string; vmid: number }> {
  if (node !== undefined && ref !== undefined && /^\d+$/.test(ref)) return { node, vmid: Number(ref) };
  const guest = await findGuest(session, ref);
  if (guest.type !== 'qemu') {
    throw new UsageError(
      `guest ${guest.vmid} is a container: the guest agent is QEMU's; use 'proxmox console ${guest.vmid}'`,
    );
  }
  if (node !== undefined && node !== guest.node) {
    throw new UsageError(`guest ${guest.vmid} is on node '${guest.node}', not '${node}'`);
  }
  return { node: guest.node, vmid: guest.vmid };
}
