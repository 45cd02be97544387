/**
 * Have a node download an ISO from a URL into its storage, with the checksum found next to
 * the URL (a `<url>.sha256` sibling or a SHA256SUMS-style file in the same directory), so
 * the node refuses a corrupted or tampered download.
 *
 *   PROXMOX_NODE=pve1 node --import tsx examples/download-url.ts \
 *     https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-12.8.0-amd64-netinst.iso [storage] [filename]
 *
 * Without a filename, the name the node reports for the URL (query-url-metadata) is used.
 */
import { ProxmoxSDK } from '../src/index.js';

const [url, storage = 'local', filename] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: download-url.ts <url> [storage] [filename]');
const node = process.env.PROXMOX_NODE || 'pve1';

await using px = ProxmoxSDK.fromEnv();
const result = await px.files.downloadUrl({
  node,
  storage,
  url,
  content: 'iso',
  ...(filename === undefined ? {} : { filename }),
});
console.log(
  result.checksum
    ? `checksum ${result.checksum.algorithm} from ${result.checksumSource}`
    : 'no published checksum found: downloaded unchecked',
);
console.log(`downloaded ${result.volid}: ${result.task?.exitstatus}`);
