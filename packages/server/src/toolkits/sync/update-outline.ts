import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/** What the relay needs to know of a Yjs v1 update to tell whether it only appends (see SyncDocument). */
export interface UpdateOutline {
  /** Each struct's client, first clock and length, flat (three numbers per struct), in the update's order. */
  readonly structs: readonly number[];
  /** Some struct is a Skip (a gap in a merged update). */
  readonly hasSkip: boolean;
  /** The delete set is not empty. */
  readonly deletes: boolean;
}

/**
 * Reads a v1 update the way `Y.decodeUpdate` does and throws for exactly the updates it throws
 * for, so that a malformed update is refused before it can touch the document or reach another
 * stream. It only keeps the outline: the full decode made an object per struct, its ID and its
 * content through a generator, and decoded every string, which was 4 % of the server's CPU per
 * edit in a profile of the bench's document scenario. Content that typing and forms do not make
 * (JSON, binary, embeds, formats, subdocuments) is left to `Y.decodeUpdate`.
 */
export function outlineUpdate(update: Uint8Array): UpdateOutline {
  return readUpdateOutline(update) ?? outlineOfDecoded(Y.decodeUpdate(update));
}

/** The outline from `Y.decodeUpdate`'s result: what {@link readUpdateOutline} must agree with. */
export function outlineOfDecoded({ structs, ds }: ReturnType<typeof Y.decodeUpdate>): UpdateOutline {
  return {
    structs: structs.flatMap((struct) => [struct.id.client, struct.id.clock, struct.length]),
    hasSkip: structs.some((struct) => struct instanceof Y.Skip),
    deletes: ds.clients.size > 0,
  };
}

// The struct encoding of Yjs' UpdateEncoderV1 (yjs src/utils/encoding.js, structs/Item.js).
const BITS5 = 31;
const PARENT_SUB = 32;
const RIGHT_ORIGIN = 64;
const ORIGIN = 128;
const SKIP = 10;
const CONTENT_DELETED = 1;
const CONTENT_STRING = 4;
const CONTENT_TYPE = 7;
const CONTENT_ANY = 8;
const TYPE_XML_ELEMENT = 3;
const TYPE_XML_HOOK = 5;
const TYPE_REFS = 7;

/**
 * The outline, read with lib0's own readers (the ones Yjs uses, so numbers, strings and `any`
 * values are accepted and refused alike); null when the update holds content left to Yjs.
 */
export function readUpdateOutline(update: Uint8Array): UpdateOutline | null {
  const decoder = decoding.createDecoder(update);
  const structs: number[] = [];
  let hasSkip = false;
  const clients = decoding.readVarUint(decoder);
  for (let c = 0; c < clients; c++) {
    const count = decoding.readVarUint(decoder);
    const client = decoding.readVarUint(decoder);
    let clock = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      // Past the end this is undefined, read by Yjs as a GC whose length then fails to read.
      const info = decoding.readUint8(decoder);
      let length: number;
      if (info === SKIP) {
        length = decoding.readVarUint(decoder);
        hasSkip = true;
      } else if ((info & BITS5) === 0) {
        length = decoding.readVarUint(decoder);
      } else {
        length = readItemLength(decoder, info);
        if (length < 0) return null;
      }
      structs.push(client, clock, length);
      clock += length;
    }
  }
  let deletes = false;
  const deleteClients = decoding.readVarUint(decoder);
  for (let c = 0; c < deleteClients; c++) {
    decoding.readVarUint(decoder);
    const ranges = decoding.readVarUint(decoder);
    if (ranges > 0) deletes = true;
    for (let i = 0; i < ranges; i++) {
      decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
    }
  }
  return { structs, hasSkip, deletes };
}

/** Reads an item's origins, parent and content, in Yjs' order; its length, or -1 for content left to Yjs. */
function readItemLength(decoder: decoding.Decoder, info: number): number {
  if ((info & ORIGIN) !== 0) readId(decoder);
  if ((info & RIGHT_ORIGIN) !== 0) readId(decoder);
  if ((info & (ORIGIN | RIGHT_ORIGIN)) === 0) {
    // The parent: a root type's name, or the ID of the item holding the type.
    if (decoding.readVarUint(decoder) === 1) stringLength(decoder);
    else readId(decoder);
    if ((info & PARENT_SUB) !== 0) stringLength(decoder);
  }
  switch (info & BITS5) {
    case CONTENT_DELETED:
      return decoding.readVarUint(decoder);
    case CONTENT_STRING:
      return stringLength(decoder);
    case CONTENT_TYPE: {
      const ref = decoding.readVarUint(decoder);
      if (ref >= TYPE_REFS) throw new TypeError(`unknown Yjs type ref ${ref}`);
      if (ref === TYPE_XML_ELEMENT || ref === TYPE_XML_HOOK) stringLength(decoder);
      return 1;
    }
    case CONTENT_ANY: {
      const values = decoding.readVarUint(decoder);
      for (let i = 0; i < values; i++) decoding.readAny(decoder);
      return values;
    }
    default:
      return -1;
  }
}

function readId(decoder: decoding.Decoder): void {
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
}

/**
 * A string's length in UTF-16 code units, as `decoding.readVarString(decoder).length`, which
 * decodes with a fatal TextDecoder. ASCII, what typing mostly makes, is counted without decoding.
 */
function stringLength(decoder: decoding.Decoder): number {
  const start = decoder.pos;
  const bytes = decoding.readVarUint(decoder);
  const end = decoder.pos + bytes;
  if (end > decoder.arr.length) throw new RangeError('Unexpected end of array');
  const arr = decoder.arr;
  for (let i = decoder.pos; i < end; i++) {
    if (arr[i]! > 0x7f) {
      decoder.pos = start;
      return decoding.readVarString(decoder).length;
    }
  }
  decoder.pos = end;
  return bytes;
}
