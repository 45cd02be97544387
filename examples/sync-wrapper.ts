/**
 * Seed guide, "Sync Wrapper for Scripts" and "Synchronous Context Manager with Error Handling".
 *
 * `ProxmoxSDK.sync()` gives the same fluent API with blocking calls: no async/await.
 * `using` closes it at the end of the block (Python's `with`). Errors are the same classes
 * as in the async API; the `isXxx` guards (or `error.code`) tell them apart.
 *
 *   node --import tsx examples/sync-wrapper.ts   (PROXMOX_* variables set)
 */
import { isAuthenticationError, isResourceException, ProxmoxSDK } from '../src/index.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

try {
  using px = ProxmoxSDK.sync({
    host: required('PROXMOX_HOST'),
    user: required('PROXMOX_USER'),
    tokenName: required('PROXMOX_TOKEN_NAME'),
    tokenValue: required('PROXMOX_TOKEN_VALUE'),
    ...(process.env.PROXMOX_FINGERPRINT ? { fingerprint: process.env.PROXMOX_FINGERPRINT } : {}),
  });
  // Blocking calls (no async/await needed).
  const nodes: Array<{ node: string }> = px.nodes.get();
  // PROXMOX_NODE: look at that node only (a bad name shows the API error path).
  const only = process.env.PROXMOX_NODE;
  for (const { node } of only ? [{ node: only }] : nodes) {
    const status = px.nodes(node).status.get();
    console.log(
      `${node}: up ${Math.round(Number(status.uptime ?? 0) / 3600)} h, load ${status.loadavg?.[0] ?? '?'}`,
    );
  }
} catch (error) {
  if (isAuthenticationError(error)) {
    console.log(`Auth failed: ${error.message}`);
    process.exitCode = 1;
  } else if (isResourceException(error)) {
    console.log(`API error: ${error.statusCode} - ${error.statusMessage}`);
    process.exitCode = 1;
  } else throw error;
}
