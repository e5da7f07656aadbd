// Orchestrator helpers: start a server or client process, wait for it, align its clock.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alignClock } from './clock.mjs';
import { Proc, benchUrl } from './proc.mjs';
import { sleep } from './child.mjs';

export const SECRET = 'bench-secret';

const SERVER_SCRIPTS = {
  relay: 'servers/relay.mjs',
  convene: 'servers/convene.mjs',
  yws: 'servers/yws.mjs',
};

export const LABELS = { relay: 'raw ws relay', convene: 'Convene', yws: 'y-websocket server' };

/** Global options set by run.mjs (profiling). */
export const settings = { profileDir: null, quietMs: 400, pauseMs: 1000 };

function waitReady(proc, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${proc.name} did not start: ${proc.stderr}`)), timeoutMs);
    const off = proc.onMessage((msg) => {
      if (msg?.event === 'ready') {
        clearTimeout(timer);
        off();
        resolve(msg);
      }
    });
  });
}

/** Starts a server process (with --expose-gc; with --cpu-prof when profiling) and returns it with its URL. */
export async function startServer(kind, { limits, tag = '' } = {}) {
  // BENCH_SERVER_ARGS="--trace-gc" (with BENCH_VERBOSE=1 to see the output): more node flags for the server.
  const nodeArgs = ['--expose-gc', ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])];
  const env = { BENCH_SECRET: SECRET };
  if (limits) env.BENCH_LIMITS = JSON.stringify(limits);
  const proc = new Proc(`${kind}-server`, benchUrl(SERVER_SCRIPTS[kind]), { nodeArgs, env });
  const ready = await waitReady(proc);
  proc.url = ready.url;
  proc.group = `${kind}-server${tag ? `-${tag}` : ''}`;
  return proc;
}

/** Starts `count` copies of a driver script, ready and clock-aligned. */
export async function startDrivers(script, count, name = 'driver') {
  const procs = [];
  for (let i = 0; i < count; i++) {
    // BENCH_DRIVER_ARGS: node flags for the client processes, like BENCH_SERVER_ARGS for the server.
    const proc = new Proc(`${name}-${i}`, benchUrl(script), { nodeArgs: process.env.BENCH_DRIVER_ARGS?.split(' ').filter(Boolean) ?? [] });
    proc.group = name;
    procs.push(proc);
  }
  await Promise.all(procs.map((p) => waitReady(p)));
  await Promise.all(procs.map((p) => alignClock(p)));
  return procs;
}

export async function stopAll(procs) {
  await Promise.all(procs.filter(Boolean).map((p) => p.stop()));
}

let windows = 0;

/**
 * With --profile, runs `measure()` with the V8 profiler on in every given process, so the profile
 * covers the measurement window only (not start-up, joins or teardown). Profiles land in
 * `<profileDir>/<process group>/`.
 */
export async function profiled(procs, measure) {
  if (!settings.profileDir) return measure();
  const id = ++windows;
  await Promise.all(procs.map((p) => p.call('profileStart')));
  try {
    return await measure();
  } finally {
    await Promise.all(procs.map((p) => p.call('profileStop', { path: `${settings.profileDir}/${p.group ?? p.name}/${p.name}-${id}.cpuprofile` }, 60_000)));
  }
}

export async function cpuOf(server) {
  return (await server.call('cpu')).total;
}

/** The server's CPU so far: total, and split by thread where the platform tells (see child.mjs). */
export async function cpuSampleOf(server) {
  return server.call('cpu');
}

/** The share of CPU between two samples that went to background threads (null without per-thread figures). */
export function backgroundShare(before, after) {
  if (!before.threads || !after.threads) return null;
  const background = after.threads.background - before.threads.background;
  const main = after.threads.main - before.threads.main;
  return main + background > 0 ? background / (main + background) : null;
}

/** What a ramp reports of its fixed-load CPU window (cpuWindow's result). */
export function cpuFigures(window) {
  return {
    cpuPerDelivery: window.cpuPerDelivery,
    clientCpuPerDelivery: window.clientCpuPerDelivery,
    fixedP99: window.p99,
    rounds: window.rounds,
    backgroundShare: window.backgroundShare,
  };
}

/**
 * A fixed-load CPU window measured once the server's JIT is idle: a `warm()` block, then the
 * `measure()` window, repeated until the server's background threads (V8's compiler and GC
 * helpers) took under `idleShare` of its CPU during the window, at most `maxRounds` times. A window
 * measured while the compiler threads are busy counts start-up: at 100 document updates/s after
 * one 3 s warm-up they were a third of either server's CPU, and under 5 % once idle (y-websocket's
 * server needed about 20 s at 5x the rate; Convene's batched Yjs code gets hot by time, not by
 * rate). Only the last window is reported, and profiled. Without per-thread figures (not Linux)
 * one round runs. Returns measure's result with `rounds` and the window's `backgroundShare`.
 */
export async function cpuWindow(server, { warm, measure, maxRounds = 6, idleShare = 0.05 }) {
  const profileDir = settings.profileDir;
  settings.profileDir = null;
  let round = 0;
  let result;
  let share = null;
  try {
    for (;;) {
      round++;
      await warm();
      const before = await cpuSampleOf(server);
      result = await measure();
      share = backgroundShare(before, await cpuSampleOf(server));
      if (share === null || share < idleShare || round >= maxRounds) break;
    }
  } finally {
    settings.profileDir = profileDir;
  }
  if (profileDir) {
    // The reported window again, under the profiler.
    const before = await cpuSampleOf(server);
    result = await measure();
    share = backgroundShare(before, await cpuSampleOf(server));
  }
  return { ...result, rounds: round, backgroundShare: share };
}

/** Polls `read()` until it stops changing for `quietMs` or reaches `target`, at most `maxMs`. */
export async function settle(read, { target = Infinity, quietMs = settings.quietMs, maxMs = 5_000 } = {}) {
  const deadline = Date.now() + maxMs;
  let last = await read();
  let since = Date.now();
  while (Date.now() < deadline && last < target) {
    await sleep(50);
    const value = await read();
    if (value !== last) {
      last = value;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

export const benchDir = fileURLToPath(new URL('..', import.meta.url));
