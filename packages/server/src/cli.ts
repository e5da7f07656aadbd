#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { consoleLogger } from './logger.js';
import { createRoomServer } from './create-room-server.js';

const USAGE = `usage: convene-server [--port 8787] [--host 127.0.0.1] [--secret S] [--data-dir DIR]
                      [--room-release-grace-ms 3000] [--log-level info]
  --port       0 picks any free port
  --secret     HS256 secret for participant tokens (or env CONVENE_SECRET)
  --data-dir   where rooms keep their data (default ./.convene-data)`;

function fail(message: string): never {
  process.stderr.write(`convene-server: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        secret: { type: 'string' },
        'data-dir': { type: 'string' },
        'room-release-grace-ms': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const secret = values.secret ?? process.env['CONVENE_SECRET'];
  if (!secret) fail('a secret is required: --secret S or CONVENE_SECRET');
  const port = integer(values.port, 'port', 8787);
  if (port > 65535) fail(`--port must be at most 65535, got ${port}`);
  const level = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) fail(`--log-level must be debug, info, warn or error`);
  const server = await createRoomServer({
    port,
    host: values.host ?? '127.0.0.1',
    secret,
    dataDir: values['data-dir'] ?? '.convene-data',
    roomReleaseGraceMs: integer(values['room-release-grace-ms'], 'room-release-grace-ms', 3000),
    logger: consoleLogger(level as 'info'),
  });
  process.stdout.write(`convene-server listening on ${server.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`convene-server: ${signal}, shutting down\n`);
    void server.close().then(() => process.exit(0));
    // Never hang on shutdown.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`convene-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
