// Run from a project that installed the packed tarball: the sync facade starts its worker
// from dist/sync-worker.js, which must be in the package and found beside the chunk that loads it.
import assert from 'node:assert/strict';
import { ProxmoxSDK } from 'proxmox-sdk';

const px = ProxmoxSDK.sync({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
try {
  const version = px.version.get();
  assert.equal(typeof version.version, 'string');
  console.log(`sync: version ${version.version} (mock, worker thread)`);
} finally {
  px.close();
}
