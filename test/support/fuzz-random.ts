/**
 * Seeded randomness for the fuzz tests. Every case gets its own generator from (seed, index), so
 * one failing case reproduces alone: rerun with FUZZ_SEED=<seed> and look at case <index>.
 */
// The protocol's fuzz tests use the same seeded PRNG, so a seed means the same everywhere.
import { mulberry32 } from '../../packages/protocol/src/__tests__/fuzz-helpers.js';

/** The base seed: FUZZ_SEED, or a fixed default so `npm test` is deterministic. */
export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed1e55) >>> 0;

/**
 * Multiplies every fuzz target's case count. The default keeps `npm test` within its time budget;
 * FUZZ_SCALE=10 runs the full campaign (see the counts each test prints).
 */
export const FUZZ_SCALE = Math.max(0.01, Number(process.env['FUZZ_SCALE'] ?? 1));

/** A target's case count at the current scale. */
export function scaled(defaultCases: number): number {
  return Math.max(1, Math.round(defaultCases * FUZZ_SCALE));
}


/** Strings that break naive code: traversal, NUL, control characters, unicode, SQL, JSON, markup. */
const NASTY_STRINGS = [
  '', ' ', '.', '..', '...', '/', '//', '\\', '\u0000', 'a\u0000b', '\u001f', '\u007f', '\n', '\r\n', '\t',
  '../', '../../etc/passwd', '..\\..\\windows', '%2e%2e%2f', '%2E%2E/', '%00', '%5c', 'C:\\x', 'c:/x', '\\\\server\\share',
  '.sync', '.sync/', '.sync/a.doc.yjs', './.sync/x', '.schemas/doc.json', 'a/../b', 'a/./b', './a', '/a', 'a/', 'a.', 'a ', ' a',
  'é', 'e\u0301', '漢字', '😀', '\ud800', '\udfff', '\ufeff', '\u202e', '\uffff', 'İ', 'ß',
  "'", '"', '`', "'; DROP TABLE t; --", '" OR 1=1 --', '$1', '$$', 'E\'\\x00\'', 'NULL', 'null', 'true', '0', '-0', '1e308', 'NaN',
  'select', 'order', 'and', 'or', 'not', 'ctid', 'xmin', 'oid', 'pg_catalog', 'information_schema', 'room_x.t',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  '{', '[', '{}', '[]', '{"a":1}', '<script>', '%s%s%n', '${x}', '{{x}}',
];

export class FuzzRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** The generator of case `index` under `seed` (independent of every other case). */
  static forCase(seed: number, index: number): FuzzRandom {
    return new FuzzRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.#next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }

  chance(p: number): boolean {
    return this.#next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** One of the nasty strings, sometimes glued to another or repeated far past any limit. */
  nasty(): string {
    const roll = this.int(10);
    if (roll < 6) return this.pick(NASTY_STRINGS);
    if (roll < 8) return this.pick(NASTY_STRINGS) + this.pick(NASTY_STRINGS) + this.pick(NASTY_STRINGS);
    if (roll < 9) return this.pick(['a', 'é', '😀', '/', '../', '%', "'"]).repeat(this.pick([63, 64, 128, 129, 255, 256, 1024, 1025, 5000]));
    return this.text(20);
  }

  /** Random characters from every UTF-16 range, lone surrogates included. */
  text(max: number): string {
    let out = '';
    for (let i = this.int(max + 1); i > 0; i--) {
      switch (this.int(5)) {
        case 0: out += String.fromCharCode(0x20 + this.int(0x5f)); break;
        case 1: out += String.fromCharCode(this.int(0x20)); break;
        case 2: out += String.fromCharCode(0x80 + this.int(0xd800 - 0x80)); break;
        case 3: out += String.fromCodePoint(0x10000 + this.int(0x100000)); break;
        default: out += String.fromCharCode(0xd800 + this.int(0x800));
      }
    }
    return out;
  }

  /** A number of the kinds that break range and type checks. */
  number(): number {
    return this.pick([0, -0, 1, -1, 0.5, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 1000, 1001, 65536, this.int(100)]);
  }

  /** Any JSON value, shaped like the things servers read: objects with familiar keys, arrays, edge numbers. */
  junk(depth = 0): unknown {
    switch (this.int(depth > 3 ? 6 : 8)) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.number();
      case 3: return this.nasty();
      case 4: return this.text(12);
      case 5: return this.pick(['json', 'text', 'binary', 'empty', 'error', 'control', 'file', 'link', 'start', 'data', 'pull', 'sync', 'close', 'open']);
      case 6: return Array.from({ length: this.int(5) }, () => this.junk(depth + 1));
      default: {
        const out: Record<string, unknown> = {};
        const keys = ['type', 'name', 'path', 'table', 'where', 'values', 'rows', 'columns', 'message', 'json', 'headers', 'kind', 'method', 'id', '__proto__', 'constructor'];
        for (let i = this.int(5); i > 0; i--) define(out, this.chance(0.7) ? this.pick(keys) : this.nasty(), this.junk(depth + 1));
        return out;
      }
    }
  }
}

/** Sets an own property even for "__proto__", as JSON.parse on the server side would. */
export function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
