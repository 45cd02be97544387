/**
 * Upload a local ISO to a storage: streamed from disk (any size), SHA-256 computed here and
 * checked by the node, progress reported, and the node's copy task waited for.
 *
 * Uploads are never forwarded between cluster nodes: PROXMOX_HOST must be the node that owns
 * the storage (PROXMOX_NODE). With a host list (PROXMOX_HOST=pve1.example.com,pve2.example.com)
 * the upload goes to the host named like the node.
 *
 *   PROXMOX_NODE=pve1 node --import tsx examples/upload-iso.ts ./debian-12.iso [storage]
 */
import { ProxmoxSDK } from '../src/index.js';

const [file, storage = 'local'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: upload-iso.ts <file.iso> [storage]');
const node = process.env.PROXMOX_NODE || 'pve1';

await using px = ProxmoxSDK.fromEnv();
let shown = -1; // the last 25% step printed
const result = await px.files.upload({
  node,
  storage,
  content: 'iso',
  file,
  checksum: 'sha256',
  onProgress: (sent, total) => {
    const step = total === 0 ? 100 : Math.floor((sent * 4) / total) * 25;
    if (step > shown) {
      shown = step;
      console.log(`${step}%`);
    }
  },
});
console.log(
  `uploaded ${result.volid} (${result.size} bytes, sha256 checked by ${node}): ${result.task?.exitstatus}`,
);
