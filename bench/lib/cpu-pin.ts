/**
 * Gives the simulator and the measured client a core each (`taskset`). In real use the
 * Proxmox server is another machine: a client's CPU never slows the server answering it.
 * On 2 shared cores it does, and then the simulator, not the client, sets a throughput
 * row, hiding most of the difference between a light client and a heavy one. Pinned, each
 * party has one core of its own, as with a server across the network. `--no-pin` turns
 * it off; so does a machine with one core or without `taskset`.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { ChildSpec } from './json-lines-child.js';

export type Party = 'server' | 'client';

const CORE: Record<Party, number> = { server: 0, client: 1 };

let wanted = true;

export function setPinning(on: boolean): void {
  wanted = on;
}

let usable: boolean | undefined;

/** Whether children are pinned in this run: wanted, at least 2 cores, and taskset works. */
export function pinning(): boolean {
  usable ??= availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return wanted && usable;
}

/** The same child, started through `taskset -c <core>` (which then execs it, same pid). */
export function pinned(spec: ChildSpec, party: Party): ChildSpec {
  if (!pinning()) return spec;
  return { ...spec, command: 'taskset', args: ['-c', String(CORE[party]), spec.command, ...spec.args] };
}
