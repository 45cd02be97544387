/**
 * Seed guide, "Step 3, Option A: Environment Variables (Recommended)".
 *
 *   export PROXMOX_HOST="pve.example.com"
 *   export PROXMOX_USER="automation@pve"
 *   export PROXMOX_TOKEN_NAME="my-automation-token"
 *   export PROXMOX_TOKEN_VALUE="12345678-abcd-1234-abcd-1234567890ab"
 *   node --import tsx examples/env-vars.ts
 *
 * `ProxmoxSDK.fromEnv()` reads every PROXMOX_* variable (also PROXMOX_PORT, PROXMOX_PASSWORD,
 * PROXMOX_VERIFY_SSL, PROXMOX_FINGERPRINT for a self-signed certificate, PROXMOX_PROFILE...)
 * and names the variable that is missing, e.g. "PROXMOX_HOST is not set".
 */
import { ProxmoxSDK } from '../src/index.js';

await using px = ProxmoxSDK.fromEnv();
const nodes: Array<{ node: string; status: string }> = await px.nodes.get();
console.log(`nodes: ${nodes.map((n) => n.node).join(', ')}`);
