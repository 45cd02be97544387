// Run from a project that installed the packed tarball: the ESM entry and the
// `./simulator` subpath, over real HTTPS with a token pinned by fingerprint.
import assert from 'node:assert/strict';
import { ProxmoxSDK } from 'proxmox-sdk';
import { startSimulator } from 'proxmox-sdk/simulator';

const sim = await startSimulator({ port: 0 });
try {
  // A token without privilege separation has its user's rights, enough for /version.
  const user = sim.users.find((u) => u.tokens.some((t) => !t.privsep));
  assert.ok(user, 'the demo dataset has a token without privilege separation');
  const token = user.tokens.find((t) => !t.privsep);
  const px = await ProxmoxSDK.connect({
    host: `${sim.host}:${sim.port}`,
    user: user.userid,
    tokenName: token.tokenid,
    tokenValue: token.value,
    fingerprint: sim.fingerprint,
  });
  try {
    const version = await px.version.get();
    assert.equal(typeof version.version, 'string');
    console.log(`esm: version ${version.version} over ${sim.url}`);
  } finally {
    await px.close();
  }
} finally {
  await sim.close();
}
