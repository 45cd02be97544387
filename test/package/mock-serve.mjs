// Run from a project that installed the packed tarball: `npx proxmox mock serve --json`
// prints one JSON line, serves HTTPS until SIGTERM, then exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ProxmoxSDK } from 'proxmox-sdk';

// Its own process group: npx runs the bin in a child, and the whole group must get the signal.
const child = spawn('npx', ['--no-install', 'proxmox', 'mock', 'serve', '--json', '--port', '0'], {
  detached: true,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
};
const timer = setTimeout(() => {
  console.error('mock serve: no JSON line within 60 s');
  stop();
  process.exit(1);
}, 60_000);

try {
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const sim = JSON.parse(line);
  const user = sim.users.find((u) => u.tokens.some((t) => !t.privsep));
  const token = user.tokens.find((t) => !t.privsep);
  const px = await ProxmoxSDK.connect({
    host: `${sim.host}:${sim.port}`,
    user: user.userid,
    tokenName: token.tokenid,
    tokenValue: token.value,
    fingerprint: sim.fingerprint,
  });
  const version = await px.version.get();
  await px.close();
  console.log(`mock serve: ${sim.url} answered version ${version.version}`);
} finally {
  clearTimeout(timer);
  stop();
}
const { code, signal } = await exited;
// npx may be the one to report the signal; the simulator itself exits 0 on SIGTERM.
assert.ok(code === 0 || signal === 'SIGTERM', `mock serve ended with code ${code}, signal ${signal}`);
