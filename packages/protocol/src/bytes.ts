/**
 * Small byte arrays carved from a shared pool, as Node's `Buffer.allocUnsafe` does. A
 * `new Uint8Array(n)` of more than 64 bytes gets its own off-heap ArrayBuffer: about 1–2 µs each
 * on the bench machine against 0.1 µs for a view into a pool, and every message a client or the
 * server sends allocated two or three of them (packing, framing, base64).
 *
 * The array returned is a view: it shares its `buffer` with other arrays, so code must use its
 * `byteOffset` (never `new DataView(bytes.buffer)` alone) and must not transfer its buffer. A view
 * kept alive keeps its whole pool (at most {@link POOL_BYTES}) alive; use it for what is written
 * to a socket, not for what is stored for long.
 */
const POOL_BYTES = 16 * 1024;
/** Larger arrays are allocated on their own: the copy dwarfs the allocation. */
const MAX_POOLED = 2 * 1024;

let pool = new ArrayBuffer(POOL_BYTES);
let used = 0;

/** A zero-filled array of `length` bytes, from the pool when small. */
export function allocBytes(length: number): Uint8Array {
  if (length > MAX_POOLED) return new Uint8Array(length);
  if (length > POOL_BYTES - used) {
    pool = new ArrayBuffer(POOL_BYTES);
    used = 0;
  }
  const bytes = new Uint8Array(pool, used, length);
  used = (used + length + 7) & ~7; // 8-byte aligned, like Node's pool
  return bytes;
}

/** Writes `value` (0 ≤ value < 2³²) as a big-endian u32 at `offset`. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/** Reads the big-endian u32 at `offset` (the caller checked the length). */
export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}
