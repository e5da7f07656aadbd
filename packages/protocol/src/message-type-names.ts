import { ProtocolError } from './errors.js';

/**
 * A message's type travels as UTF-8 in every header frame, and a connection sends and receives the
 * same handful of names over and over (one header per document delivery, one per chunk). Both
 * directions keep the names seen lately instead of running a TextEncoder or TextDecoder each time.
 * Both caches are bounded: a type is any string a peer chooses.
 */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

const typeBytesCache = new Map<string, Uint8Array>();
const TYPE_BYTES_CACHE_SIZE = 64;

/** The UTF-8 of `type` (shared: never write into it). */
export function typeBytesOf(type: string): Uint8Array {
  let bytes = typeBytesCache.get(type);
  if (bytes === undefined) {
    bytes = encoder.encode(type);
    if (typeBytesCache.size < TYPE_BYTES_CACHE_SIZE) typeBytesCache.set(type, bytes);
  }
  return bytes;
}

interface DecodedName {
  readonly bytes: Uint8Array;
  readonly name: string;
}

/** Names decoded lately, newest replacing the oldest: enough for the types one process handles. */
const decodedNames: DecodedName[] = [];
const DECODED_NAMES_SIZE = 16;
let nextReplaced = 0;

/**
 * The type name held in `bytes` (a view into a frame; copied when kept). Throws a
 * {@link ProtocolError} when the bytes are not valid UTF-8, as a fresh decode would.
 */
export function typeNameOf(bytes: Uint8Array): string {
  for (let k = 0; k < decodedNames.length; k++) {
    const entry = decodedNames[k]!;
    if (sameBytes(entry.bytes, bytes)) return entry.name;
  }
  let name: string;
  try {
    name = strictDecoder.decode(bytes);
  } catch (cause) {
    throw new ProtocolError('message type is not valid UTF-8', { cause });
  }
  const entry = { bytes: bytes.slice(), name };
  if (decodedNames.length < DECODED_NAMES_SIZE) decodedNames.push(entry);
  else {
    decodedNames[nextReplaced] = entry;
    nextReplaced = (nextReplaced + 1) % DECODED_NAMES_SIZE;
  }
  return name;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
