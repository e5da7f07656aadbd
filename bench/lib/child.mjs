// The child side of bench/lib/proc.mjs: answers IPC calls, exits with its parent, and keeps a clock
// aligned with the orchestrator's so latencies can be measured across processes.
import { readFileSync, readdirSync } from 'node:fs';

let offset = 0;
let profiler = null;

/** Milliseconds on the orchestrator's clock (performance.timeOrigin-based, sub-ms resolution). */
export const now = () => performance.timeOrigin + performance.now() - offset;
const rawNow = () => performance.timeOrigin + performance.now();

/**
 * CPU time (µs) of this process's main thread and of all its other threads (V8's compiler and GC
 * helpers, libuv's pool), from Linux's per-thread schedstat; null where that is not available.
 * Background CPU that stays high shows the JIT still compiling: see harness.mjs cpuWindow.
 */
function threadCpu() {
  const dir = `/proc/${process.pid}/task`;
  let main = 0;
  let background = 0;
  try {
    for (const tid of readdirSync(dir)) {
      let ns;
      try {
        ns = Number(readFileSync(`${dir}/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        continue; // the thread ended meanwhile
      }
      if (Number(tid) === process.pid) main += ns / 1000;
      else background += ns / 1000;
    }
  } catch {
    return null;
  }
  return main > 0 ? { main, background } : null;
}

/**
 * Serves `handlers[cmd](args)` (sync or async) over IPC. Built in: `exit`, `clock`, `setClockOffset`,
 * `cpu` (process.cpuUsage, µs), `mem` (after full GCs when run with --expose-gc).
 */
export function serve(handlers) {
  const builtin = {
    clock: () => rawNow(),
    setClockOffset: ({ offset: value }) => {
      offset = value;
      return offset;
    },
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return { user, system, total: user + system, at: now(), threads: threadCpu() };
    },
    /** Full GCs, then a V8 heap snapshot at `path` (for bench/heap-diff.mjs). */
    heapSnapshot: async ({ path }) => {
      for (let i = 0; i < 4 && typeof globalThis.gc === 'function'; i++) {
        globalThis.gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      const { writeHeapSnapshot } = await import('node:v8');
      return writeHeapSnapshot(path);
    },
    /** Starts the V8 CPU profiler (inspector) for a measurement window. */
    profileStart: async () => {
      const { Session } = await import('node:inspector');
      profiler = new Session();
      profiler.connect();
      const post = (method, params) => new Promise((resolve, reject) => profiler.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      profiler.postAsync = post;
      return true;
    },
    /** Stops the profiler and writes the window's .cpuprofile to `path`. */
    profileStop: async ({ path }) => {
      if (!profiler) return null;
      const { profile } = await profiler.postAsync('Profiler.stop');
      profiler.disconnect();
      profiler = null;
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { dirname } = await import('node:path');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(profile));
      return path;
    },
    mem: async ({ gc = true } = {}) => {
      if (gc && typeof globalThis.gc === 'function') {
        for (let i = 0; i < 4; i++) {
          globalThis.gc();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      const { getHeapSpaceStatistics } = await import('node:v8');
      // Per heap space, so code compiled by the JIT (not held by any connection) can be told apart.
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
      return { ...process.memoryUsage(), spaces, gcAvailable: typeof globalThis.gc === 'function' };
    },
  };
  process.on('message', async (msg) => {
    if (!msg || typeof msg.cmd !== 'string') return;
    if (msg.cmd === 'exit') {
      try {
        await handlers.exit?.();
      } finally {
        process.exit(0);
      }
      return;
    }
    const handler = handlers[msg.cmd] ?? builtin[msg.cmd];
    if (!handler) return process.send({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
    try {
      const result = await handler(msg.args ?? {});
      process.send({ id: msg.id, ok: true, result });
    } catch (error) {
      process.send({ id: msg.id, ok: false, error: error?.stack ?? String(error) });
    }
  });
  // The orchestrator went away: never linger.
  process.on('disconnect', () => process.exit(0));
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
