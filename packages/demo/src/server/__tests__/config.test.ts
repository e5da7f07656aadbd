import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv, defaultAppDir } from '../config.js';

describe('configFromEnv', () => {
  it('has development defaults', () => {
    expect(configFromEnv({})).toEqual({
      host: '127.0.0.1',
      port: 3000,
      roomPort: 8787,
      secret: 'dev-secret',
      dataDir: resolve('.convene-data'),
      appDir: defaultAppDir,
      agent: true,
    });
  });

  it.each(['0', 'false', 'off', 'NO'])('DEMO_AGENT=%s turns the Helper agent off', (value) => {
    expect(configFromEnv({ DEMO_AGENT: value }).agent).toBe(false);
    expect(configFromEnv({ DEMO_AGENT: '1' }).agent).toBe(true);
  });

  it('reads PORT, ROOM_PORT (0 = any free port), HOST, CONVENE_SECRET and CONVENE_DATA_DIR', () => {
    const config = configFromEnv({ PORT: '0', ROOM_PORT: '0', HOST: '0.0.0.0', CONVENE_SECRET: 's', CONVENE_DATA_DIR: '/tmp/x' });
    expect(config).toMatchObject({ port: 0, roomPort: 0, host: '0.0.0.0', secret: 's', dataDir: '/tmp/x' });
  });

  it.each(['-1', '65536', '3.5', 'abc'])('refuses PORT=%s', (value) => {
    expect(() => configFromEnv({ PORT: value })).toThrow(/PORT must be an integer/);
  });
});
