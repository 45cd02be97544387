/**
 * What a clone answers when its new vmid is taken: the race between `GET /cluster/nextid`
 * (which reserves nothing) and the clone. QEMU and LXC check differently, so the errors and
 * the moment they come differ, and a client retrying must recognise all of them:
 *
 * - qemu-server PVE/API2/Qemu.pm clone_vm, `$load_and_check`: tests only the local node's
 *   config file (`-f $conffile`), so an id on the same node fails the request at once with
 *   "unable to create VM N: config file already exists". An id on another node passes that
 *   test; the worker then writes the new config with PVE::File::file_set_contents, whose
 *   rename pmxcfs refuses with EEXIST (pve-cluster src/pmxcfs/memdb.c memdb_rename:
 *   vmlist_different_vm_exists), so the task fails with "close (rename) atomic file ... failed:
 *   File exists".
 * - pve-container PVE/API2/LXC.pm clone_vm: create_and_lock_config($newid) before forking,
 *   i.e. PVE::Cluster::check_vmid_unused: "CT N already exists on node 'X'" (or "VM N ..."
 *   when the taker is a VM), at once.
 */
import { SimError } from '../../engine/sim-error.js';
import type { ClusterState, Guest } from '../../state/cluster-state.js';

/**
 * Throws the request-time error when `newid` is taken; answers the error the clone task must
 * end with when only the worker would notice, or undefined when the id is free.
 */
export function cloneTargetConflict(cluster: ClusterState, source: Guest, newid: number): string | undefined {
  const taker = cluster.guests.get(newid);
  if (!taker) return undefined;
  if (source.type === 'lxc') {
    const kind = taker.type === 'qemu' ? 'VM' : 'CT';
    throw new SimError(500, `${kind} ${newid} already exists on node '${taker.node}'`);
  }
  if (taker.node === source.node && taker.type === 'qemu')
    throw new SimError(500, `unable to create VM ${newid}: config file already exists`);
  return `close (rename) atomic file '/etc/pve/nodes/${source.node}/qemu-server/${newid}.conf' failed: File exists`;
}
