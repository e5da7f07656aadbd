// Child processes of the bench: each one in its own process group (detached), driven over IPC with
// request/response calls, and killed as a group on exit so no server or client outlives a run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const live = new Set();
let hooked = false;

function killAll() {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/**
 * A node process started from a bench script, with `call(cmd, args)` over IPC.
 * The child answers `{ id, ok, result | error }` (see `serve()` in child.mjs).
 */
export class Proc {
  #child;
  #nextId = 1;
  #pending = new Map();
  #listeners = new Set();
  #exited;
  name;
  stderr = '';

  constructor(name, script, { args = [], nodeArgs = [], env = {} } = {}) {
    hookExit();
    this.name = name;
    const path = script instanceof URL ? fileURLToPath(script) : script;
    this.#child = spawn(process.execPath, [...nodeArgs, path, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...env },
    });
    live.add(this.#child);
    this.#child.stdout.on('data', (d) => {
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${d}`);
    });
    this.#child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-4000);
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}!] ${d}`);
    });
    this.#child.on('message', (msg) => {
      if (msg && msg.id && this.#pending.has(msg.id)) {
        const { resolve, reject, timer } = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        clearTimeout(timer);
        if (msg.ok) resolve(msg.result);
        else reject(new Error(`${name}: ${msg.error}`));
      } else {
        for (const listener of this.#listeners) listener(msg);
      }
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on('exit', (code, signal) => {
        live.delete(this.#child);
        for (const { reject, timer } of this.#pending.values()) {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code ?? signal}) ${this.stderr.trim().split('\n').slice(-5).join(' | ')}`));
        }
        this.#pending.clear();
        resolve({ code, signal });
      });
    });
  }

  get pid() {
    return this.#child.pid;
  }

  onMessage(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  call(cmd, args = {}, timeoutMs = 60_000) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}: "${cmd}" timed out after ${timeoutMs} ms ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      try {
        this.#child.send({ id, cmd, args });
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(error);
      }
    });
  }

  /** Asks the child to exit (so --cpu-prof can write its profile), then kills the group. */
  async stop(graceMs = 5_000) {
    if (!live.has(this.#child)) return;
    try {
      this.#child.send({ id: 0, cmd: 'exit' });
    } catch {
      // channel already closed
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.#exited;
    clearTimeout(timer);
    this.kill();
  }

  kill() {
    try {
      process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    live.delete(this.#child);
  }
}

export const benchUrl = (path) => new URL(`../${path}`, import.meta.url);
