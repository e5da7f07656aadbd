import { allocBytes } from './bytes.js';
import { ProtocolError } from './errors.js';

/**
 * Base64 without `Buffer`, so the browser client and the server share one implementation that
 * rejects malformed input instead of silently skipping characters as `atob`/`Buffer` do.
 *
 * The work is done on ASCII bytes: documents travel as the base64 text of Yjs updates in binary
 * chunks, so the hot path decodes and encodes those bytes without an intermediate string.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = new Uint8Array(64);
const LOOKUP = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  CODES[i] = ALPHABET.charCodeAt(i);
  LOOKUP[ALPHABET.charCodeAt(i)] = i;
}
const PAD = 61; // '='
const textEncoder = new TextEncoder();
const asciiDecoder = new TextDecoder('latin1');

/** The base64 text of `bytes` (padded), as ASCII bytes (a pooled view: see {@link allocBytes}). */
export function encodeBase64Bytes(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[n >> 18]!;
    out[o++] = CODES[(n >> 12) & 63]!;
    out[o++] = CODES[(n >> 6) & 63]!;
    out[o++] = CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = CODES[n >> 18]!;
    out[o++] = CODES[(n >> 12) & 63]!;
    out[o++] = rest === 2 ? CODES[(n >> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  return asciiDecoder.decode(encodeBase64Bytes(bytes));
}

/**
 * Decodes standard base64 given as ASCII bytes (padding optional); throws {@link ProtocolError} on
 * anything else, including any byte outside the alphabet.
 */
export function decodeBase64Bytes(text: Uint8Array): Uint8Array {
  let end = text.length;
  while (end > 0 && text[end - 1] === PAD && text.length - end < 2) end--;
  if ((end & 3) === 1) throw new ProtocolError('base64 text has an impossible length');
  // Padding, when present, must complete the last group of four ("QQ==", not "QQ=" or "QUJD=").
  if (end < text.length && (text.length & 3) !== 0) throw new ProtocolError('base64 padding is malformed');
  const out = new Uint8Array((end * 3) >> 2);
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const value = LOOKUP[text[i]!]!;
    if (value < 0) throw new ProtocolError(`invalid base64 character at ${i}`);
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

/** Decodes standard base64 (padding optional); throws {@link ProtocolError} on anything else. */
export function decodeBase64(text: string): Uint8Array {
  // A character outside ASCII becomes bytes ≥ 0x80, which the alphabet check refuses.
  return decodeBase64Bytes(textEncoder.encode(text));
}
