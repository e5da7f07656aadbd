const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A random base64url string of `length` characters from the platform CSPRNG. 22 characters carry
 * 132 bits, enough that resume keys and message ids never collide or get guessed.
 */
export function randomId(length = 22): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  // 256 is a multiple of 64, so masking keeps the distribution uniform.
  for (const byte of bytes) out += ALPHABET[byte & 63]!;
  return out;
}
