import { createRequire } from 'node:module';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Packages export their TypeScript sources under the "source" condition, so tests, Storybook and
// the demo run without a prior build; plain Node at run time loads dist.
const resolve = { conditions: ['source', ...defaultClientConditions] };
// jsdom tests resolve with browser conditions, which would pick `ws`'s browser stub; the hook
// tests run a real server and Node transport in the same process, so point `ws` at its Node entry.
const wsNodeEntry = createRequire(import.meta.url).resolve('ws');
const ssr = { resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['source'] } };

export default defineConfig({
  plugins: [react()],
  resolve,
  ssr,
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers on port 0; two workers match the two cores here.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/{protocol,client,server}/src/**/__tests__/**/*.test.ts', 'packages/demo/src/server/**/__tests__/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts', 'test/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'jsdom',
          alias: { ws: wsNodeEntry },
          include: ['packages/react/src/**/__tests__/**/*.test.{ts,tsx}', 'test/react/**/*.test.{ts,tsx}', 'stories/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.{ts,tsx}', 'test/e2e/**'],
          setupFiles: ['test/support/dom-setup.ts'],
        },
      },
    ],
  },
});
