import { defineConfig } from 'vitest/config';
import { SYSTEM_SUITES } from './test/system/suites.js';

// `npm test`: everything that needs only Node. The suites that need system programs run
// with `npm run test:system` (vitest.system.config.ts); CI runs both.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...SYSTEM_SUITES],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/system/left-out-reporter.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
