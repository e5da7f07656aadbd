import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCloseReason } from '@convene/protocol';
import { RawClient } from './support/raw-client.js';
import { mintToken } from './support/tokens.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLI = join(ROOT, 'packages/server/dist/cli.js');
const LISTENING = /^convene-server listening on (ws:\/\/127\.0\.0\.1:(\d+))$/m;

interface Cli {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
const clients: RawClient[] = [];
let dataRoot: string;

beforeAll(() => {
  // The CLI runs built JavaScript; build the two packages it needs.
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/protocol', 'packages/server'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  dataRoot = mkdtempSync(join(tmpdir(), 'convene-cli-'));
}, 120_000);

afterEach(() => {
  for (const client of clients.splice(0)) client.ws.terminate();
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
});

afterAll(() => {
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
});

function spawnCli(args: string[], env: Record<string, string | undefined> = {}): Cli {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CONVENE_SECRET: undefined, ...env };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const cli: Cli = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (cli.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (cli.stderr += chunk));
  return cli;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves with the base URL and port once the CLI prints its listening line. */
function listening(cli: Cli): Promise<{ url: string; port: number }> {
  return within(
    new Promise((resolve, reject) => {
      const check = () => {
        const match = LISTENING.exec(cli.stdout);
        if (match) resolve({ url: match[1]!, port: Number(match[2]) });
      };
      cli.child.stdout!.on('data', check);
      cli.exited.then(({ code }) => reject(new Error(`CLI exited with ${code} before listening: ${cli.stderr}`)));
      check();
    }),
    10_000,
    'the listening line',
  );
}

describe('convene-server CLI', () => {
  it('serves health and rooms, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = join(dataRoot, 'run-1');
    const cli = spawnCli(['--port', '0', '--secret', 's', '--data-dir', dataDir]);
    const { url, port } = await listening(cli);
    expect(port).toBeGreaterThan(0);
    expect(existsSync(dataDir)).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const client = await RawClient.join(`${url}/rooms/demo`, await mintToken({ name: 'alice', room: 'demo', secret: 's' }));
    clients.push(client);
    expect(client.participantId.length).toBeGreaterThan(0);
    expect(await client.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });

    // A token signed with another secret is refused by this server.
    const stranger = await RawClient.connect(`${url}/rooms/demo`, await mintToken({ name: 'eve', room: 'demo', secret: 'not-s' }));
    clients.push(stranger);
    expect(parseCloseReason((await stranger.closedWithin()).reason).code).toBe('unauthorized');

    cli.child.kill('SIGTERM');
    const closed = await client.closedWithin();
    expect(closed.code).toBe(1001);
    expect(parseCloseReason(closed.reason).code).toBe('server_shutdown');
    const exit = await within(cli.exited, 6_000, 'exit after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('reads the secret from CONVENE_SECRET', async () => {
    const cli = spawnCli(['--port', '0', '--data-dir', join(dataRoot, 'run-2')], { CONVENE_SECRET: 'from-env' });
    const { url } = await listening(cli);
    const client = await RawClient.join(`${url}/rooms/env`, await mintToken({ name: 'bob', room: 'env', secret: 'from-env' }));
    clients.push(client);
    cli.child.kill('SIGINT');
    expect((await client.closedWithin()).code).toBe(1001);
    expect(await within(cli.exited, 6_000, 'exit after SIGINT')).toEqual({ code: 0, signal: null });
  });

  it.each([
    ['a non-numeric port', ['--port', 'abc', '--secret', 's'], {}],
    ['a negative port', ['--port', '-1', '--secret', 's'], {}],
    ['a port above 65535', ['--port', '70000', '--secret', 's'], {}],
    ['a missing secret', ['--port', '0'], { CONVENE_SECRET: undefined }],
    ['an empty secret', ['--port', '0'], { CONVENE_SECRET: '' }],
    ['an unknown option', ['--port', '0', '--secret', 's', '--bogus'], {}],
    ['a bad log level', ['--port', '0', '--secret', 's', '--log-level', 'loud'], {}],
  ] as [string, string[], Record<string, string | undefined>][])('exits with 2 and a usage message on %s', async (_label, args, env) => {
    const cli = spawnCli([...args, '--data-dir', join(dataRoot, 'bad')], env);
    const exit = await within(cli.exited, 10_000, 'exit');
    expect(exit.code).toBe(2);
    expect(cli.stderr).toMatch(/^convene-server: /);
    expect(cli.stderr).toMatch(/usage: convene-server/);
    expect(cli.stdout).not.toMatch(LISTENING);
  });

  it('prints usage on --help and exits 0', async () => {
    const cli = spawnCli(['--help']);
    expect(await within(cli.exited, 10_000, 'exit')).toEqual({ code: 0, signal: null });
    expect(cli.stdout).toMatch(/usage: convene-server/);
  });
});
