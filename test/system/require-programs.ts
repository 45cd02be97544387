/**
 * Global setup of `npm run test:system`: every program the system suites need must be
 * there, and the process must be root (the sshd fixture creates a local user). A missing
 * one fails the run at once with the install command, instead of seven files failing
 * one by one; nothing is ever skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SYSTEM_INSTALL, SYSTEM_PROGRAMS } from './suites.js';

export function missingSystemPrograms(): string[] {
  const missing = SYSTEM_PROGRAMS.filter((p) => !existsSync(p.path)).map((p) => `${p.path} (${p.debian})`);
  if (existsSync('/usr/bin/python3')) {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import proxmoxer, requests'], { encoding: 'utf8' });
    if (probe.status !== 0)
      missing.push('python modules proxmoxer, requests (python3-proxmoxer, python3-requests)');
  }
  if (process.getuid?.() !== 0) missing.push('root (the sshd fixture creates a throwaway local user)');
  return missing;
}

export default function setup(): void {
  const missing = missingSystemPrograms();
  if (missing.length > 0) {
    throw new Error(
      `npm run test:system needs: ${missing.join(', ')}. As root on Debian: ${SYSTEM_INSTALL} (bash .ci/run does it)`,
    );
  }
}
