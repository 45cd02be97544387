/**
 * Puts wrapper scripts named pvesh, pmgsh and proxmox-backup-debug in `<dir>/bin`; each runs
 * stand-in.mjs with this Node and the state server's socket, so state lasts across runs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type StateServer, startStateServer } from './state-server.js';

const STAND_IN = join(dirname(fileURLToPath(import.meta.url)), 'stand-in.mjs');
export const TOOLS = ['pvesh', 'pmgsh', 'proxmox-backup-debug'] as const;

/** `dir` must be reachable by whoever runs the tools (0755 for the ssh test user). */
export async function installStandIns(dir: string): Promise<{ binDir: string; state: StateServer }> {
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { mode: 0o755, recursive: true });
  const state = await startStateServer(dir);
  // A copy: the checkout may sit below a directory the test user cannot enter.
  writeFileSync(join(binDir, 'stand-in.mjs'), readFileSync(STAND_IN));
  for (const tool of TOOLS) {
    const script = `#!/bin/sh\nexec ${process.execPath} ${join(binDir, 'stand-in.mjs')} ${tool} ${state.socketPath} "$@"\n`;
    writeFileSync(join(binDir, tool), script, { mode: 0o755 });
  }
  return { binDir, state };
}
