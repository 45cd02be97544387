/**
 * Migration to another node, waited for. A running QEMU VM moves live (`online`); a running
 * container cannot (pve-container: "lxc live migration is currently not implemented") and is
 * restarted on the target (`restart`), so `online` means that for containers.
 */
import type { Params, WorkflowClient, WorkflowOptions } from './client.js';
import type { Guest } from './guest.js';

export interface MigrateOptions extends WorkflowOptions {
  /** Move a running guest (QEMU live, LXC by restart). @default true when it is running */
  online?: boolean;
  /** QEMU: also copy local disks. */
  withLocalDisks?: boolean;
  /** Storage on the target for the disks. */
  targetStorage?: string;
  /** Milliseconds to wait for the task. */
  timeout?: number;
}

export interface MigrateResult {
  vmid: number;
  from: string;
  to: string;
  upid: string;
}

export async function migrateGuest(
  c: WorkflowClient,
  g: Guest,
  target: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const from = g.node;
  const state = await c.call<{ status: string }>(
    'GET /nodes/{node}/{type}/{vmid}/status/current',
    g.params,
    options,
  );
  const online = options.online ?? state.status === 'running';
  const params: Params = { ...g.params, target };
  if (online) params[g.type === 'qemu' ? 'online' : 'restart'] = 1;
  if (options.withLocalDisks && g.type === 'qemu') params['with-local-disks'] = 1;
  // The two products spell it differently: qemu-server `targetstorage`, pve-container `target-storage`.
  if (options.targetStorage !== undefined)
    params[g.type === 'qemu' ? 'targetstorage' : 'target-storage'] = options.targetStorage;
  const upid = await c.call<string>('POST /nodes/{node}/{type}/{vmid}/migrate', params, options);
  await c.wait(upid, options);
  g.node = target;
  return { vmid: g.vmid, from, to: target, upid };
}
