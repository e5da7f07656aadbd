import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The app builds straight from the workspace packages' TypeScript sources ("source" condition).
// `vite` (dev) proxies the token route to a running demo server (`npm start`, or DEMO_API).
export default defineConfig({
  root: fileURLToPath(new URL('./src/app', import.meta.url)),
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/app', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    proxy: { '/api': process.env['DEMO_API'] ?? 'http://127.0.0.1:3000' },
  },
});
