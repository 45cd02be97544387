/**
 * The synckit variant of the sync facade's worker, for bench/sync-cost.ts only: the same
 * async client behind `runAsWorker`, so the two blocking mechanisms can be compared.
 */
import { runAsWorker } from 'synckit';
import type { ProxmoxOptions } from '../src/options/options.js';
import { type ProxmoxClient, ProxmoxSDK } from '../src/sdk/proxmox-sdk.js';

let px: ProxmoxClient<any> | undefined;

runAsWorker(async (op: string, arg: unknown) => {
  if (op === 'init') {
    px = new ProxmoxSDK(arg as ProxmoxOptions);
    return null;
  }
  if (op === 'ping') return null;
  if (op === 'get') return px!.request(`GET ${arg as string}`);
  if (op === 'close') {
    await px?.close();
    return null;
  }
  throw new Error(`unknown op ${op}`);
});
