/** Runs a TypeScript file of this repository in a child process (tsx); answers `exit N` and its output. */
import { spawn } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

export function runChild(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise<string>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, PROXMOX_PROFILE: '', XDG_CONFIG_HOME: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.on('close', (code) => resolve(`exit ${code}\n${out}`));
  });
}
