// The child side of bench/lib/proc.mjs: answers IPC calls, exits with its parent, and keeps a clock
// aligned with the orchestrator's so latencies can be measured across processes.
let offset = 0;

/** Milliseconds on the orchestrator's clock (performance.timeOrigin-based, sub-ms resolution). */
export const now = () => performance.timeOrigin + performance.now() - offset;
const rawNow = () => performance.timeOrigin + performance.now();

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
      return { user, system, total: user + system, at: now() };
    },
    mem: async ({ gc = true } = {}) => {
      if (gc && typeof globalThis.gc === 'function') {
        for (let i = 0; i < 4; i++) {
          globalThis.gc();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return { ...process.memoryUsage(), gcAvailable: typeof globalThis.gc === 'function' };
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
