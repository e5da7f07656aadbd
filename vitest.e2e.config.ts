import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: the built demo server in its own process group, driven by headless
// Chromium through playwright-core. `npm run test:e2e` runs them; the test runs `npm run build`
// first when the demo has not been built.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    // A first build (tsc -b + vite build) can take a while on a cold machine.
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
