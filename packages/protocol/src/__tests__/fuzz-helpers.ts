import { expect } from 'vitest';
import { ProtocolError } from '@convene/protocol';

/** Deterministic PRNG (mulberry32) so every fuzz failure can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const word = Math.floor(this.next() * 4294967296);
      for (let b = 0; b < 4 && i + b < length; b++) out[i + b] = (word >>> (8 * b)) & 0xff;
    }
    return out;
  }
  /** A string mixing ASCII, 2-, 3- and 4-byte UTF-8 characters and (optionally) lone surrogates. */
  text(maxLength: number, loneSurrogates = false): string {
    const length = this.int(0, maxLength);
    let out = '';
    for (let i = 0; i < length; i++) {
      const kind = this.int(0, loneSurrogates ? 4 : 3);
      if (kind === 0) out += String.fromCharCode(this.int(0x20, 0x7e));
      else if (kind === 1) out += String.fromCharCode(this.int(0x80, 0x7ff));
      else if (kind === 2) out += String.fromCharCode(this.int(0x800, 0xd7ff));
      else if (kind === 3) out += String.fromCodePoint(this.int(0x10000, 0x10ffff));
      else out += String.fromCharCode(this.int(0xd800, 0xdfff));
    }
    return out;
  }
  /** A random JSON value of bounded depth. */
  json(depth = 3): unknown {
    const kind = this.int(0, depth > 0 ? 7 : 4);
    switch (kind) {
      case 0: return null;
      case 1: return this.bool();
      case 2: return this.pick([0, -1, 1, 1000, 1.5, 2 ** 53, -(2 ** 31)]);
      case 3: return this.text(8);
      case 4: return this.pick(['user', 'agent', 'room', 'api', 'json', 'text', '404', '', 'close']);
      case 5: {
        const n = this.int(0, 4);
        return Array.from({ length: n }, () => this.json(depth - 1));
      }
      default: {
        const obj: Record<string, unknown> = {};
        const n = this.int(0, 4);
        for (let i = 0; i < n; i++) {
          const key = this.pick(['type', 'name', 'scope', 'grants', 'room', 'role', 'api', 'text', 'code', 'json',
            'headers', 'method', 'status_code', 'mime_type', 'url', 'exp', '__proto__', 'constructor', this.text(4)]);
          // defineProperty, so "__proto__" becomes an own key as JSON.parse would make it.
          Object.defineProperty(obj, key, { value: this.json(depth - 1), enumerable: true, writable: true, configurable: true });
        }
        return obj;
      }
    }
  }
  /** Copies `data` and applies 1..4 random byte-level mutations. */
  mutate(data: Uint8Array): Uint8Array {
    let out: Uint8Array = data.slice();
    const count = this.int(1, 4);
    for (let m = 0; m < count; m++) {
      const op = this.int(0, 4);
      if (op === 0 && out.length > 0) {
        const i = this.int(0, out.length - 1);
        out[i]! ^= 1 << this.int(0, 7);
      } else if (op === 1 && out.length > 0) {
        out = out.slice(0, this.int(0, out.length - 1));
      } else if (op === 2) {
        const extra = this.bytes(this.int(1, 8));
        const joined = new Uint8Array(out.length + extra.length);
        joined.set(out);
        joined.set(extra, out.length);
        out = joined;
      } else if (op === 3 && out.length > 0) {
        out[this.int(0, out.length - 1)] = this.int(0, 255);
      } else if (out.length > 0) {
        const i = this.int(0, out.length - 1);
        out[i] = this.pick([0x00, 0xff, 0x7b, 0x7d, 0x22, 0xc3, 0xed]);
      }
    }
    return out;
  }
}

/**
 * Runs `fn` and returns its result, or `undefined` when it threw a ProtocolError. Anything else it
 * throws fails the test with the fuzz case attached.
 */
export function onlyProtocolErrors<T>(fn: () => T, describeCase: () => string): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ProtocolError && error.code === 'protocol_error') return undefined;
    expect.fail(`threw ${String(error)} (not a ProtocolError) for ${describeCase()}`);
  }
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function fromHex(text: string): Uint8Array {
  const parts = text.trim().split(/\s+/);
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/** Expects `fn` to throw a ProtocolError (class and code). */
export function expectProtocolError(fn: () => unknown, message?: RegExp): ProtocolError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a ProtocolError to be thrown').toBeInstanceOf(ProtocolError);
  const error = caught as ProtocolError;
  expect(error.code).toBe('protocol_error');
  // A subclass (MessageTooLargeError) keeps its own name; everything else is a plain ProtocolError.
  expect(['ProtocolError', 'MessageTooLargeError']).toContain(error.name);
  if (message) expect(error.message).toMatch(message);
  return error;
}
