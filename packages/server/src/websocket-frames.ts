import { headerFrameBytes, packedDataFrameBytes, writeHeaderFrame, writePackedDataFrame } from '@convene/protocol';

/**
 * Encodes protocol frames as the bytes of unmasked binary WebSocket messages (RFC 6455 §5.2, the
 * server-to-client direction), all in one buffer. A fan-out builds this once and writes the same
 * buffer to every recipient's TCP socket, where `ws.send` would frame and write each frame again
 * for each recipient.
 */
export function encodeWebSocketMessages(frames: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const frame of frames) total += headerLength(frame.byteLength) + frame.byteLength;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const frame of frames) {
    offset = writeFrameHeader(out, offset, frame.byteLength);
    out.set(frame, offset);
    offset += frame.byteLength;
  }
  return out;
}

/**
 * The WebSocket bytes of a one-packet protocol message whose data is the packing of `headerJson`
 * and `payload` (what `encodeWebSocketMessages(encodePackedMessage(...))` gives), laid out in one
 * buffer: a document fan-out sends one to each recipient, and making the protocol frames first
 * cost two more allocations and a copy per delivery. Null when the message needs more than one
 * packet.
 */
export function encodeWebSocketPackedMessage(id: number, type: string, headerJson: Uint8Array, payload: Uint8Array): Buffer | null {
  const dataBytes = packedDataFrameBytes(headerJson, payload);
  if (dataBytes < 0) return null;
  const headerBytes = headerFrameBytes(type);
  const out = Buffer.allocUnsafe(headerLength(headerBytes) + headerBytes + headerLength(dataBytes) + dataBytes);
  let offset = writeFrameHeader(out, 0, headerBytes);
  offset = writeHeaderFrame(out, offset, id, type, 1);
  offset = writeFrameHeader(out, offset, dataBytes);
  writePackedDataFrame(out, offset, id, headerJson, payload);
  return out;
}

/** Writes the header of an unmasked binary message of `length` bytes; returns the offset after it. */
function writeFrameHeader(out: Buffer, offset: number, length: number): number {
  out[offset++] = 0x82; // FIN + binary opcode
  if (length < 126) {
    out[offset++] = length;
  } else if (length <= 0xffff) {
    out[offset++] = 126;
    out.writeUInt16BE(length, offset);
    offset += 2;
  } else {
    out[offset++] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), offset);
    out.writeUInt32BE(length >>> 0, offset + 4);
    offset += 8;
  }
  return offset;
}

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength <= 0xffff ? 4 : 10;
}
