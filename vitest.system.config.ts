import { defineConfig } from 'vitest/config';
import { SYSTEM_SUITES } from './test/system/suites.js';

// `npm run test:system`: the suites that need sshd, zsh, fish and python3-proxmoxer. The
// global setup fails the run when one is missing; nothing here is skipped.
export default defineConfig({
  test: {
    include: [...SYSTEM_SUITES],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./test/system/require-programs.ts'],
  },
});
