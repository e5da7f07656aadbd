import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEV_SECRET = 'dev-secret';

export interface DemoConfig {
  /** Interface both servers listen on. */
  host: string;
  /** HTTP port of the app and its API; 0 picks a free port. */
  port: number;
  /** Port of the room server (WebSocket); 0 picks a free port. */
  roomPort: number;
  secret: string;
  dataDir: string;
  /** The built app (index.html and assets). */
  appDir: string;
  /** Start the Helper agent in every room a browser joins (DEMO_AGENT=0 turns it off). */
  agent: boolean;
}

/** The built app sits next to the compiled server: dist/server/config.js → dist/app. */
export const defaultAppDir = resolve(dirname(fileURLToPath(import.meta.url)), '../app');

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be an integer from 0 to 65535, got "${value}"`);
  return n;
}

/**
 * Reads PORT, HOST, ROOM_PORT, CONVENE_SECRET, CONVENE_DATA_DIR, DEMO_APP_DIR and DEMO_AGENT.
 *
 * @example
 * const config = configFromEnv({ PORT: '0', ROOM_PORT: '0' });
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  return {
    host: env['HOST'] || '127.0.0.1',
    port: port(env['PORT'], 'PORT', 3000),
    roomPort: port(env['ROOM_PORT'], 'ROOM_PORT', 8787),
    secret: env['CONVENE_SECRET'] || DEV_SECRET,
    dataDir: resolve(env['CONVENE_DATA_DIR'] || '.convene-data'),
    appDir: resolve(env['DEMO_APP_DIR'] || defaultAppDir),
    agent: !/^(0|false|off|no)$/i.test(env['DEMO_AGENT'] ?? ''),
  };
}
