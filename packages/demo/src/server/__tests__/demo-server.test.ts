import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { startDemo, type RunningDemo } from '../demo-server.js';

const SECRET = 'demo-test-secret';
let dir: string;
let demo: RunningDemo;

/** A raw GET: unlike fetch, node:http sends the path exactly as written (dot segments included). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: demo.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convene-demo-test-'));
  const app = join(dir, 'app');
  await mkdir(join(app, 'assets'), { recursive: true });
  await writeFile(join(app, 'index.html'), '<!doctype html><title>demo app</title>');
  await writeFile(join(app, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(app, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'outside the app');
  demo = await startDemo({
    host: '127.0.0.1',
    port: 0,
    roomPort: 0,
    secret: SECRET,
    dataDir: join(dir, 'data'),
    appDir: app,
    roomReleaseGraceMs: 100,
    warmUpDatabase: false,
  });
});

afterAll(async () => {
  await demo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/room-connection', () => {
  it('returns { url, jwt } that the room server accepts', async () => {
    const response = await fetch(`${demo.url}/api/room-connection?name=${encodeURIComponent('Ada Lovelace')}&room=lobby`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { url: string; jwt: string };
    expect(body.url).toBe(`ws://127.0.0.1:${demo.rooms.port}/rooms/lobby`);
    expect(body.jwt.split('.')).toHaveLength(3);

    const client = new RoomClient({ transport: nodeTransport(), authorization: async () => body });
    try {
      await client.start();
      expect(client.status).toBe('connected');
      expect(client.localParticipant.getAttribute('name')).toBe('Ada Lovelace');
    } finally {
      client.dispose();
    }
  });

  it('builds the room URL from the hostname the browser used', async () => {
    const { status, body } = await get('/api/room-connection?name=a&room=r', { host: `localhost:${demo.port}` });
    expect(status).toBe(200);
    expect((JSON.parse(body) as { url: string }).url).toBe(`ws://localhost:${demo.rooms.port}/rooms/r`);
  });

  it.each([
    ['missing name', 'room=lobby'],
    ['empty name', 'name=&room=lobby'],
    ['blank name', 'name=%20%20&room=lobby'],
    ['name over 64 characters', `name=${'x'.repeat(65)}&room=lobby`],
    ['control character in name', 'name=a%0Ab&room=lobby'],
    ['missing room', 'name=alice'],
    ['room with a slash', 'name=alice&room=a%2Fb'],
    ['room with a space', 'name=alice&room=a%20b'],
    ['room over 128 characters', `name=alice&room=${'r'.repeat(129)}`],
  ])('refuses %s with 400 { error: { code, message } }', async (_, query) => {
    const response = await fetch(`${demo.url}/api/room-connection?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toEqual(expect.any(String));
  });

  it('accepts 64-character names and every room character the server allows', async () => {
    const response = await fetch(`${demo.url}/api/room-connection?name=${'é'.repeat(64)}&room=${encodeURIComponent('a.b@c:d-e_f')}`);
    expect(response.status).toBe(200);
  });

  it('answers unknown API routes and other methods with typed JSON', async () => {
    const missing = await fetch(`${demo.url}/api/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const post = await fetch(`${demo.url}/api/room-connection?name=a&room=b`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe('static app', () => {
  it('serves index.html, assets with their content types, and /healthz', async () => {
    const index = await get('/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(index.body).toContain('demo app');
    expect(await get('/assets/index-abc.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await get('/assets/index-abc.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get('/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
  });

  it('falls back to index.html for app routes, but not for missing files', async () => {
    const route = await get('/rooms/lobby?room=lobby');
    expect(route.status).toBe(200);
    expect(route.body).toContain('demo app');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2E%2E/%2E%2E/secret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..\\secret.txt',
    '/%00index.html',
    '/%E0%A4%A',
  ])('refuses %s', async (path) => {
    const { status, body } = await get(path);
    expect([400, 404]).toContain(status);
    expect(body).not.toContain('outside the app');
  });
});

async function eventually<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the Helper agent', () => {
  it('joins a room the first time a token for it is handed out, once per room', async () => {
    expect(demo.agents?.get('helper-room')).toBeUndefined();
    const token = (await (await fetch(`${demo.url}/api/room-connection?name=a&room=helper-room`)).json()) as { url: string; jwt: string };
    await fetch(`${demo.url}/api/room-connection?name=b&room=helper-room`);
    const client = new RoomClient({ transport: nodeTransport(), authorization: async () => token });
    try {
      await client.start();
      await client.messaging.enable();
      const helper = await eventually(() => client.messaging.getParticipantByName('Helper'), (p) => p !== undefined);
      expect(helper?.role).toBe('agent');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.messaging.remoteParticipants.map((p) => p.name)).toEqual(['Helper']);
    } finally {
      client.dispose();
    }
  });

  it('leaves a room after being alone in it for the idle timeout, and comes back with the next token; close() stops it', async () => {
    const quiet = await startDemo({
      host: '127.0.0.1',
      port: 0,
      roomPort: 0,
      secret: SECRET,
      dataDir: join(dir, 'data-idle'),
      appDir: join(dir, 'app'),
      agentOptions: { idleTimeoutMs: 150 },
      warmUpDatabase: false,
    });
    try {
      await fetch(`${quiet.url}/api/room-connection?name=a&room=idle`);
      const first = quiet.agents!.get('idle')!;
      await first.client.ready;
      await eventually(() => quiet.agents!.get('idle'), (agent) => agent === undefined);
      expect(first.stopped).toBe(true);
      await fetch(`${quiet.url}/api/room-connection?name=a&room=idle`);
      const second = quiet.agents!.get('idle')!;
      expect(second).not.toBe(first);
      await quiet.close();
      expect(second.stopped).toBe(true);
      expect(second.client.status).toBe('disconnected');
    } finally {
      await quiet.close();
    }
  });

  it('is not started with agent: false', async () => {
    const none = await startDemo({ host: '127.0.0.1', port: 0, roomPort: 0, secret: SECRET, dataDir: join(dir, 'data-none'), appDir: join(dir, 'app'), agent: false, warmUpDatabase: false });
    try {
      expect((await fetch(`${none.url}/api/room-connection?name=a&room=r`)).status).toBe(200);
      expect(none.agents).toBeNull();
    } finally {
      await none.close();
    }
  });
});
