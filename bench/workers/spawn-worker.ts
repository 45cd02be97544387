/** Starts one measured client in its own process. */
import { fileURLToPath } from 'node:url';
import { pinned } from '../lib/cpu-pin.js';
import { harnessNode } from '../lib/harness.js';
import { type ChildSpec, JsonLinesChild } from '../lib/json-lines-child.js';
import type { Target } from '../sim-process.js';

export const CLIENTS = ['sdk', 'floor', 'proxmox-api', 'proxmoxer'] as const;
export type ClientName = (typeof CLIENTS)[number];

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export function workerSpec(client: ClientName, target: Target, nodeArgs: string[] = []): ChildSpec {
  const json = JSON.stringify(target);
  if (client === 'proxmoxer') {
    // Debian's interpreter, where apt installed python3-proxmoxer, whatever python3 is on PATH.
    return pinned({ command: '/usr/bin/python3', args: [here('./proxmoxer_worker.py'), json] }, 'client');
  }
  const spec = harnessNode(here('./node-worker.ts'), nodeArgs, [client, json]);
  // proxmox-api cannot pin a certificate; this process, and only this one, trusts any.
  if (client === 'proxmox-api') spec.env = { NODE_TLS_REJECT_UNAUTHORIZED: '0' };
  return pinned(spec, 'client');
}

export async function startWorker(
  client: ClientName,
  target: Target,
  nodeArgs: string[] = [],
): Promise<JsonLinesChild> {
  const child = new JsonLinesChild(workerSpec(client, target, nodeArgs));
  await child.ready;
  return child;
}
