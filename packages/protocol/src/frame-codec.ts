import { allocBytes, readU32, writeU32 } from './bytes.js';
import { MessageTooLargeError, ProtocolError } from './errors.js';
import { packEncodedHeader } from './packing.js';
import { DEFAULT_PACKET_BYTES } from './limits.js';
import { typeBytesOf, typeNameOf } from './message-type-names.js';

/**
 * The framing of PROTOCOL.md §2: one header frame (`id`, packet 0, N, type) followed by N data
 * frames (`id`, packet k, bytes). Each frame is one binary WebSocket message.
 */
export interface WireMessage {
  id: number;
  type: string;
  data: Uint8Array;
}

const HEADER_BYTES = 16;
const DATA_PREFIX_BYTES = 12;
const TWO_32 = 2 ** 32;
/** Ids above this cannot be represented exactly as a JS number. */
const MAX_ID_HIGH = Math.floor(Number.MAX_SAFE_INTEGER / TWO_32);
const MAX_TYPE_BYTES = 256;

function writeId(frame: Uint8Array, offset: number, id: number): void {
  writeU32(frame, offset, Math.floor(id / TWO_32));
  writeU32(frame, offset + 4, id >>> 0);
}

/** Encodes the header frame for a message with `packets` data frames. */
export function encodeHeaderFrame(id: number, type: string, packets: number): Uint8Array {
  const frame = allocBytes(headerFrameBytes(type));
  writeHeaderFrame(frame, 0, id, type, packets);
  return frame;
}

/** The length of a message's header frame: 16 bytes and the UTF-8 of its type. */
export function headerFrameBytes(type: string): number {
  return HEADER_BYTES + typeBytesOf(type).length;
}

/**
 * Writes a header frame at `offset` of `target` (which has {@link headerFrameBytes} free there) and
 * returns the offset after it. With {@link writePackedDataFrame}, a transport lays a message out
 * in its own buffer, between its own frame headers, instead of copying frames made here.
 */
export function writeHeaderFrame(target: Uint8Array, offset: number, id: number, type: string, packets: number): number {
  const typeBytes = typeBytesOf(type);
  writeId(target, offset, id);
  writeU32(target, offset + 8, 0);
  writeU32(target, offset + 12, packets);
  target.set(typeBytes, offset + HEADER_BYTES);
  return offset + HEADER_BYTES + typeBytes.length;
}

/**
 * The length of the one data frame carrying the packing of `headerJson` and `payload`, or -1 when
 * it does not fit one packet (the message then needs {@link encodeMessage}).
 */
export function packedDataFrameBytes(headerJson: Uint8Array, payload: Uint8Array): number {
  const length = 8 + headerJson.length + payload.length;
  return length > DEFAULT_PACKET_BYTES ? -1 : DATA_PREFIX_BYTES + length;
}

/** Writes data frame 1 of message `id`, holding the packing of `headerJson` and `payload`; returns the offset after it. */
export function writePackedDataFrame(target: Uint8Array, offset: number, id: number, headerJson: Uint8Array, payload: Uint8Array): number {
  writeId(target, offset, id);
  writeU32(target, offset + 8, 1);
  // The packing's u64 length: the high half is 0.
  writeU32(target, offset + DATA_PREFIX_BYTES, 0);
  writeU32(target, offset + DATA_PREFIX_BYTES + 4, headerJson.length);
  target.set(headerJson, offset + DATA_PREFIX_BYTES + 8);
  target.set(payload, offset + DATA_PREFIX_BYTES + 8 + headerJson.length);
  return offset + DATA_PREFIX_BYTES + 8 + headerJson.length + payload.length;
}

/**
 * Encodes a message into its frames. `packetBytes` bounds each data slice; the receiver does not
 * care about slice sizes, so our senders use large packets to keep the frame count low.
 */
export function encodeMessage(
  message: WireMessage,
  packetBytes: number = DEFAULT_PACKET_BYTES,
): Uint8Array[] {
  checkId(message.id);
  if (!Number.isSafeInteger(packetBytes) || packetBytes <= 0) throw new ProtocolError('packetBytes must be a positive integer');
  const { data } = message;
  const packets = Math.ceil(data.length / packetBytes);
  const frames: Uint8Array[] = [encodeHeaderFrame(message.id, message.type, packets)];
  for (let k = 1; k <= packets; k++) {
    const start = (k - 1) * packetBytes;
    const slice = data.subarray(start, Math.min(start + packetBytes, data.length));
    const frame = allocBytes(DATA_PREFIX_BYTES + slice.length);
    writeId(frame, 0, message.id);
    writeU32(frame, 8, k);
    frame.set(slice, DATA_PREFIX_BYTES);
    frames.push(frame);
  }
  return frames;
}

/**
 * The frames of a message whose data is `packEncodedHeader(headerJson, payload)`, packed straight
 * into its data frame when it fits one packet: a document fan-out sends one per recipient, and the
 * intermediate copy was one allocation and one copy per delivery.
 */
export function encodePackedMessage(id: number, type: string, headerJson: Uint8Array, payload: Uint8Array): Uint8Array[] {
  const dataBytes = packedDataFrameBytes(headerJson, payload);
  if (dataBytes < 0) return encodeMessage({ id, type, data: packEncodedHeader(headerJson, payload) });
  checkId(id);
  const frame = allocBytes(dataBytes);
  writePackedDataFrame(frame, 0, id, headerJson, payload);
  return [encodeHeaderFrame(id, type, 1), frame];
}

function checkId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) throw new ProtocolError(`message id must be a non-negative safe integer, got ${id}`);
}

export interface FrameDecoderOptions {
  /** Refuse messages whose data would exceed this many bytes. */
  maxMessageBytes?: number;
}

/** A message whose data frames are still arriving. */
class PartialMessage {
  received = 0;
  bytes = 0;
  /** The data slices so far (`null` while skipping the rest of an oversized message). */
  parts: Uint8Array[] | null = [];
  constructor(
    readonly id: number,
    readonly type: string,
    readonly expected: number,
  ) {}
}

/**
 * Reassembles messages from frames. Unlike MeshAgent's client it is strict: a frame out of order,
 * a header in the middle of a message, or an id change throws a {@link ProtocolError} and drops the
 * partial message, so stale parts never leak into the next one. After an error the decoder is
 * ready for a fresh header. It throws nothing but `ProtocolError`.
 *
 * Between messages it holds nothing but its limit: a server keeps one per idle connection, and the
 * state of a message in progress lives in an object made with its header.
 */
export class FrameDecoder {
  readonly #maxMessageBytes: number;
  #partial: PartialMessage | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxMessageBytes = options.maxMessageBytes ?? Number.MAX_SAFE_INTEGER;
  }

  /** True while a message's data frames are still expected. */
  get inMessage(): boolean {
    return this.#partial !== null;
  }

  /** Feeds one frame; returns the message it completes, or `null` if more frames are needed. */
  push(frame: Uint8Array): WireMessage | null {
    if (!(frame instanceof Uint8Array)) {
      this.#partial = null;
      throw new ProtocolError('frame must be binary');
    }
    if (frame.length < DATA_PREFIX_BYTES) {
      this.#partial = null;
      throw new ProtocolError(`frame of ${frame.length} bytes is shorter than a frame prefix`);
    }
    const high = readU32(frame, 0);
    const id = high * TWO_32 + readU32(frame, 4);
    const packet = readU32(frame, 8);
    if (packet === 0) return this.#header(frame, high, id);
    return this.#data(frame, id, packet);
  }

  #header(frame: Uint8Array, high: number, id: number): WireMessage | null {
    if (this.#partial !== null) {
      const pending = this.#partial.id;
      this.#partial = null;
      throw new ProtocolError(`header for message ${id} arrived inside message ${pending}`);
    }
    if (frame.length < HEADER_BYTES) {
      throw new ProtocolError(`header frame of ${frame.length} bytes is shorter than 16`);
    }
    if (high > MAX_ID_HIGH) throw new ProtocolError('message id is not a safe integer');
    const packets = readU32(frame, 12);
    const typeBytes = frame.subarray(HEADER_BYTES);
    if (typeBytes.length === 0) throw new ProtocolError('message type is empty');
    if (typeBytes.length > MAX_TYPE_BYTES) throw new ProtocolError('message type is too long');
    const type = typeNameOf(typeBytes);
    if (packets === 0) return { id, type, data: new Uint8Array(0) };
    const partial = (this.#partial = new PartialMessage(id, type, packets));
    // Every data packet carries at least one byte, so a count that could never fit the size
    // limit is refused now; its packets are then skipped like those of any oversized message.
    if (packets > this.#maxMessageBytes) {
      partial.parts = null;
      throw new MessageTooLargeError(id, type, this.#maxMessageBytes);
    }
    return null;
  }

  #data(frame: Uint8Array, id: number, packet: number): WireMessage | null {
    const partial = this.#partial;
    if (partial === null) {
      throw new ProtocolError(`data packet ${packet} of message ${id} arrived without a header`);
    }
    if (id !== partial.id) {
      this.#partial = null;
      throw new ProtocolError(`data packet for message ${id} arrived inside message ${partial.id}`);
    }
    if (packet !== partial.received + 1) {
      this.#partial = null;
      throw new ProtocolError(`packet ${packet} of message ${id} arrived, expected ${partial.received + 1}`);
    }
    const slice = frame.subarray(DATA_PREFIX_BYTES);
    if (slice.length === 0) {
      // Senders slice non-empty data; empty packets would only let a peer grow our part list.
      this.#partial = null;
      throw new ProtocolError(`packet ${packet} of message ${id} is empty`);
    }
    partial.received = packet;
    const last = packet === partial.expected;
    if (last) this.#partial = null;
    const parts = partial.parts;
    if (parts === null) return null; // skipping the rest of an oversized message
    partial.bytes += slice.length;
    if (partial.bytes > this.#maxMessageBytes) {
      // The framing is still intact, so the rest of this message is skipped and the connection
      // can go on: the receiver answers the request with an error instead of dropping the peer.
      partial.parts = null;
      throw new MessageTooLargeError(id, partial.type, this.#maxMessageBytes);
    }
    parts.push(slice);
    if (!last) return null;
    return { id, type: partial.type, data: concat(parts, partial.bytes) };
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
