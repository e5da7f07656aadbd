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
    const length = frame.byteLength;
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
    out.set(frame, offset);
    offset += length;
  }
  return out;
}

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength <= 0xffff ? 4 : 10;
}
