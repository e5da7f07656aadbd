const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Random bytes drawn from the platform CSPRNG in blocks: every message gets an id, and one
 * `getRandomValues` call per id was a tenth of a send's path. Each byte is used once.
 */
const POOL_BYTES = 1024;
const pool = new Uint8Array(POOL_BYTES);
let next = POOL_BYTES;

/**
 * A random base64url string of `length` characters from the platform CSPRNG. 22 characters carry
 * 132 bits, enough that resume keys and message ids never collide or get guessed.
 */
export function randomId(length = 22): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    if (next === POOL_BYTES) {
      globalThis.crypto.getRandomValues(pool);
      next = 0;
    }
    // 256 is a multiple of 64, so masking keeps the distribution uniform.
    out += ALPHABET[pool[next++]! & 63]!;
  }
  return out;
}
