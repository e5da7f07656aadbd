import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join as joinPath, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET } from './server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = joinPath(ROOT, 'test/support/server-process.mjs');

/**
 * Builds the server for child processes (incremental, fast when up to date). Call it in beforeAll
 * with a long timeout. A type error elsewhere still emits JavaScript (tsc -b without noEmitOnError),
 * so only a missing build stops the test.
 */
export function ensureServerBuilt(): void {
  const build = spawnSync('npx', ['tsc', '-b', 'packages/protocol', 'packages/server'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(joinPath(ROOT, 'packages/server/dist/index.js'))) throw new Error(`building the server failed:\n${build.stdout}${build.stderr}`);
  if (build.status !== 0) console.warn(`tsc -b reported problems; running the emitted server anyway:\n${build.stdout}`);
}

export interface ServerProcessOptions {
  dataDir?: string;
  /** Default 0 (any free port); pass the previous port to restart "at the same address". */
  port?: number;
  persistWindowMs?: number;
  /** Merged into createRoomServer's options (JSON only: limits, maxUploadBytes…). */
  serverOptions?: Record<string, unknown>;
}

export interface ServerStats {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  handles: number;
  connections: number;
  rooms: number;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  /** Resolves when the process has exited (by any signal or code). */
  readonly exited: Promise<void>;
  /** Memory and handles after a full GC, measured inside the server process. */
  stats(): Promise<ServerStats>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the built room server in its own process; always stop it in afterEach/afterAll. */
export function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const child = fork(SCRIPT, [], {
    cwd: ROOT,
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      SECRET,
      PORT: String(options.port ?? 0),
      ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}),
      ...(options.persistWindowMs !== undefined ? { PERSIST_WINDOW_MS: String(options.persistWindowMs) } : {}),
      ...(options.serverOptions ? { SERVER_OPTIONS: JSON.stringify(options.serverOptions) } : {}),
    },
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolveStarted, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening (\d+)/.exec(stdout);
      if (!match) return;
      const port = Number(match[1]);
      resolveStarted({
        child,
        port,
        url: `ws://127.0.0.1:${port}`,
        exited,
        stats: () =>
          new Promise((answer) => {
            const onMessage = (message: { type?: string } & ServerStats) => {
              if (message?.type !== 'stats') return;
              child.off('message', onMessage);
              answer(message);
            };
            child.on('message', onMessage);
            child.send({ type: 'stats' });
          }),
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
    child.once('exit', (code, signal) => reject(new Error(`server process exited before listening (${code ?? signal}): ${stderr}`)));
  });
}
