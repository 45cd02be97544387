/**
 * A backend whose optional peer package is not installed fails with a typed error naming
 * the install command; other load failures pass through. The packed tarball, installed
 * without ssh2, is checked the same way in scripts/check-package.sh (test/package/peers.mjs).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../../src/core/errors.js';
import { isMissingPackage, loadWithPeer } from '../../src/transports/optional-peer.js';

const require = createRequire(import.meta.url);

/** The error Node itself raises when `import()` cannot find a package. */
function esmNotFound(pkg: string): Error & { code: string } {
  const script = `import(${JSON.stringify(pkg)}).catch((e) => { process.stdout.write(JSON.stringify({ code: e.code, message: e.message })); });`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return Object.assign(new Error(), JSON.parse(out) as { code: string; message: string });
}

describe('loadWithPeer', () => {
  it('turns a missing package (require and import) into an InvalidArgumentError with the command', async () => {
    for (const missing of [
      () => Promise.resolve(require('pxsdk-no-such-peer')),
      () => Promise.reject(esmNotFound('pxsdk-no-such-peer')),
    ]) {
      const error = await loadWithPeer('pxsdk-no-such-peer', "backend 'ssh'", missing).catch(
        (e: unknown) => e,
      );
      expect(isInvalidArgumentError(error)).toBe(true);
      expect((error as Error).message).toBe(
        "backend 'ssh' needs the optional package pxsdk-no-such-peer: run npm install pxsdk-no-such-peer",
      );
    }
  });

  it('passes every other failure through unchanged', async () => {
    const other = esmNotFound('pxsdk-another-package');
    expect(isMissingPackage(other, 'pxsdk-no-such-peer')).toBe(false);
    const broken = new TypeError('boom');
    await expect(loadWithPeer('ssh2', 'x', () => Promise.reject(broken))).rejects.toBe(broken);
    await expect(loadWithPeer('ssh2', 'x', () => Promise.resolve(42))).resolves.toBe(42);
  });
});
