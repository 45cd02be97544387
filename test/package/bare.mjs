// Run by scripts/check-package.sh right after `npm install <tarball>` in an empty project,
// before anything else is installed (issue 19.1): the install is proxmox-sdk alone, and the
// root entry and proxmox-sdk/pve work with it, a YAML credentials file included.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxmoxSDK } from 'proxmox-sdk';
import { ProxmoxSDK as PveSDK } from 'proxmox-sdk/pve';

const require = createRequire(import.meta.url);
for (const peer of ['yaml', 'ws', 'ssh2', 'undici']) {
  assert.throws(() => require(peer), new RegExp(`Cannot find module '${peer}'`), `${peer} is installed`);
}

for (const [entry, SDK] of [
  ['proxmox-sdk', ProxmoxSDK],
  ['proxmox-sdk/pve', PveSDK],
]) {
  const px = await SDK.connect({ backend: 'mock', user: 'root@pam', password: 'proxmox' });
  try {
    const version = await px.version.get();
    assert.equal(typeof version.version, 'string');
    const nodes = await px.nodes.get();
    assert.ok(nodes.length > 0);
    console.log(`${entry} alone: version ${version.version}, ${nodes.length} nodes (mock)`);
  } finally {
    await px.close();
  }
}

// A YAML credentials file, read without the yaml package.
const dir = mkdtempSync(join(tmpdir(), 'bare-'));
try {
  const file = join(dir, 'credentials.yaml');
  writeFileSync(file, '# mock lab\nbackend: mock\nuser: root@pam\npassword: "proxmox"\n', { mode: 0o600 });
  const px = await ProxmoxSDK.fromFile(file);
  try {
    assert.equal(typeof (await px.version.get()).version, 'string');
    console.log('a YAML credentials file: read without the yaml package');
  } finally {
    await px.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
