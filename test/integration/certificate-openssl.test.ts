/**
 * The simulator's hand-made certificate (src/simulator/server/self-signed.ts) as OpenSSL sees
 * it: `openssl verify -x509_strict` (the checks Python 3.13 turns on by default) accepts it,
 * and `openssl s_client` completes a verified handshake with the running simulator.
 * A system test: needs Debian's openssl (npm run test:system fails without it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';

describe('OpenSSL and the simulator certificate', () => {
  let dir: string;
  let caFile: string;
  let sim: RunningSimulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-cert-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, (await simulatorCertificate()).cert);
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes openssl verify -x509_strict', async () => {
    const { stdout } = await run(OPENSSL, ['verify', '-x509_strict', '-CAfile', caFile, caFile]);
    expect(stdout.trim()).toBe(`${caFile}: OK`);
  });

  it('gives a verified handshake to openssl s_client, checked against 127.0.0.1', async () => {
    const port = new URL(sim.url).port;
    const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', caFile, '-verify_ip', '127.0.0.1'];
    const out = await new Promise<string>((resolve) => {
      const child = execFile(
        OPENSSL,
        [...args, '-verify_return_error', '-brief'],
        { timeout: 15_000 },
        (_e, o, e) => resolve(`${o}${e}`),
      );
      child.stdin?.end(); // s_client closes the connection once its input ends
    });
    expect(out).toContain('Verification: OK');
    expect(out).not.toMatch(/verify error/i);
  });
});
