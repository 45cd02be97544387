/**
 * Seed guide, "Option B: Config File (with restricted permissions)".
 *
 * ~/.proxmox/credentials.json holds the seed's snake_case keys (camelCase works too, and
 * so does YAML):
 *
 *   { "host": "pve.example.com", "user": "automation@pve",
 *     "token_name": "my-automation-token", "token_value": "12345678-..." }
 *
 * The file must be private: one that group or others can read is refused with the fix,
 * "run: chmod 600 ~/.proxmox/credentials.json", the way ssh refuses a private key.
 *
 *   node --import tsx examples/credentials-file.ts [path]
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ProxmoxSDK } from '../src/index.js';

const path = process.argv[2] ?? join(homedir(), '.proxmox', 'credentials.json');

await using px = await ProxmoxSDK.fromFile(path);
const nodes: Array<{ node: string }> = await px.nodes.get();
console.log(`nodes: ${nodes.map((n) => n.node).join(', ')}`);
