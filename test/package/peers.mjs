// Run by scripts/check-package.sh in a project that installed the tarball alone: the optional
// peers (ssh2) are absent, https and mock work, and `backend: 'ssh'` names the install command.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { isInvalidArgumentError, ProxmoxSDK } from 'proxmox-sdk';

assert.throws(() => createRequire(import.meta.url)('ssh2'), /Cannot find module 'ssh2'/);
// The transport is made on the first call (connect itself opens nothing).
const error = await ProxmoxSDK.connect({ host: '127.0.0.1', backend: 'ssh', user: 'root@pam', password: 'x' })
  .then((px) => px.version.get())
  .catch((e) => e);
assert.ok(isInvalidArgumentError(error), `expected InvalidArgumentError, got ${error}`);
assert.equal(error.message, "backend 'ssh' needs the optional package ssh2: run npm install ssh2");
console.log('ssh2 absent: backend ssh says: %s', error.message);
