import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(ROOT, 'packages/demo/dist/server/main.js');
const APP_INDEX = join(ROOT, 'packages/demo/dist/app/index.html');

/** The newest modification time of any file under `dir` (0 when there is none). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '__tests__') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether a package's sources changed after the built demo: testing a stale build proves nothing. */
function buildIsStale(): boolean {
  // `npm run build` ends with the Vite build, which always rewrites index.html: its time is the build's.
  const built = statSync(APP_INDEX).mtimeMs;
  const packages = join(ROOT, 'packages');
  return readdirSync(packages).some((name) => existsSync(join(packages, name, 'src')) && newestMtime(join(packages, name, 'src')) > built);
}

/** Runs `npm run build` when the demo server or app has not been built yet, or is older than its sources. */
export function buildDemoIfMissing(): void {
  if (existsSync(MAIN) && existsSync(APP_INDEX) && !buildIsStale()) return;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_ENV' && !key.startsWith('VITEST')));
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
}

export interface DemoProcess {
  /** `http://127.0.0.1:<port>` from the server's "Convene demo: open …" line. */
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM to the whole process group; resolves with the exit code (SIGKILL after 5 s). */
  stop: () => Promise<number | null>;
}

/** Starts `node packages/demo/dist/server/main.js` detached (its own process group) on free ports. */
export function startDemoProcess(dataDir: string): Promise<DemoProcess> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ROOM_PORT: '0', CONVENE_DATA_DIR: dataDir },
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return child.exitCode;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the demo server printed no URL within 60 s\nstdout: ${stdout}\nstderr: ${stderr}`));
      // It starts the room database before printing the URL: seconds, more on a busy machine.
    }, 60_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^Convene demo: open (http:\/\/\S+)$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolveStart({ url: match[1]!, child, stderr: () => stderr, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited (${code}) before printing its URL\nstderr: ${stderr}`));
    });
  });
}
