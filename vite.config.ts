import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Packages export their TypeScript sources under the "source" condition, so tests run against
// sources without a prior build; plain Node at run time loads dist.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/__tests__/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts', 'test/e2e/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers on port 0; two workers match the two cores here.
    pool: 'forks',
    maxWorkers: 2,
  },
});
