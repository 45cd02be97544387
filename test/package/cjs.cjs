// Run from a project that installed the packed tarball: the CJS build, in-process mock backend.
const assert = require('node:assert/strict');
const { ProxmoxSDK, ProxmoxError } = require('proxmox-sdk');

async function main() {
  assert.equal(typeof ProxmoxError, 'function');
  const px = await ProxmoxSDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
  try {
    const version = await px.version.get();
    assert.equal(typeof version.version, 'string');
    console.log(`cjs: version ${version.version} (mock)`);
  } finally {
    await px.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
