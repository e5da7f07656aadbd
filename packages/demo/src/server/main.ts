#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleLogger } from '@convene/server';
import { configFromEnv, DEV_SECRET } from './config.js';
import { startDemo } from './demo-server.js';

async function main(): Promise<void> {
  const config = configFromEnv();
  if (config.secret === DEV_SECRET) {
    process.stderr.write('convene-demo: using the development secret "dev-secret"; set CONVENE_SECRET for anything real\n');
  }
  if (!existsSync(join(config.appDir, 'index.html'))) {
    process.stderr.write(`convene-demo: no built app in ${config.appDir}; run \`npm run build\` first\n`);
  }
  process.stderr.write('convene-demo: starting the room server and its database (a few seconds on the first run)…\n');
  const demo = await startDemo({ ...config, logger: consoleLogger('warn') });
  if (demo.agents) process.stderr.write('convene-demo: the Helper agent joins each room opened through this app (DEMO_AGENT=0 turns it off)\n');
  process.stdout.write(`Convene demo: open ${demo.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`convene-demo: ${signal}, shutting down\n`);
    void demo.close().then(() => process.exit(0));
    // Never hang on shutdown.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`convene-demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
