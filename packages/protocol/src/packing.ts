import { allocBytes, readU32, writeU32 } from './bytes.js';
import { ProtocolError } from './errors.js';

/**
 * Payload packing (PROTOCOL.md §3): `u32be hi`, `u32be lo` = byte length of the JSON header,
 * the UTF-8 JSON, then a raw binary tail.
 */
export interface Packed<H = unknown> {
  header: H;
  payload: Uint8Array;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);

/** Packs a JSON header and an optional binary tail. */
export function pack(header: unknown, payload: Uint8Array = EMPTY): Uint8Array {
  return packEncodedHeader(encodeHeader(header), payload);
}

/** A header's JSON text as UTF-8, for {@link packEncodedHeader}: encode once, pack many times. */
export function encodeHeader(header: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(header) ?? 'null');
}

/** Packs a header whose JSON text is already encoded, so fan-out can encode it once. */
export function packEncodedHeader(json: Uint8Array, payload: Uint8Array = EMPTY): Uint8Array {
  const out = allocBytes(8 + json.length + payload.length);
  writeU32(out, 4, json.length); // the high half stays 0
  out.set(json, 8);
  out.set(payload, 8 + json.length);
  return out;
}

/** Unpacks data into its JSON header and binary tail; throws only {@link ProtocolError}. */
export function unpack(data: Uint8Array): Packed {
  if (data.length < 8) throw new ProtocolError(`packed data of ${data.length} bytes has no length prefix`);
  const length = readU32(data, 0) * 2 ** 32 + readU32(data, 4);
  if (length > data.length - 8) {
    throw new ProtocolError(`packed header claims ${length} bytes, only ${data.length - 8} present`);
  }
  let header: unknown;
  try {
    header = JSON.parse(strictDecoder.decode(data.subarray(8, 8 + length)));
  } catch (cause) {
    throw new ProtocolError('packed header is not valid UTF-8 JSON', { cause });
  }
  return { header, payload: data.subarray(8 + length) };
}

/** Unpacks and requires the header to be a plain JSON object. */
export function unpackObject(data: Uint8Array): Packed<Record<string, unknown>> {
  const { header, payload } = unpack(data);
  if (!isPlainObject(header)) throw new ProtocolError('packed header must be a JSON object');
  return { header, payload };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
