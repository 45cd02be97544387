/**
 * Says, in one line at the end of `npm test`, which suites it left out and how to run them,
 * so that a green run on a machine with only Node is never mistaken for the whole suite.
 */
import type { Reporter } from 'vitest/reporters';
import { SYSTEM_SUITES } from './suites.js';

export default class LeftOutReporter implements Reporter {
  onFinished(): void {
    process.stdout.write(
      `\nnpm test left out ${SYSTEM_SUITES.length} suites that need sshd, zsh, fish, python3-proxmoxer, openssl, genisoimage and tmux: run \`npm run test:system\` (as root, with those installed; bash .ci/run does both)\n`,
    );
  }
}
