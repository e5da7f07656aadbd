import { ERROR_STATUS, type ErrorCode } from './errors.js';

/**
 * WebSocket close codes the server uses. MeshAgent's client treats 1000 as terminal and retries
 * every other code (PROTOCOL.md §1.5), so 1000 is reserved for "do not come back" (refused
 * token, server asked to end) and transient conditions use other codes.
 */
export const CloseCode = {
  /** Terminal: token refused, or the session was ended on purpose. */
  Normal: 1000,
  /** Server shutting down; clients should reconnect. */
  GoingAway: 1001,
  /** Bytes that break the framing protocol. */
  ProtocolError: 1002,
  /** Policy violation (flooding beyond the rate limit). */
  PolicyViolation: 1008,
  /** A frame or message above the configured size limit. */
  MessageTooBig: 1009,
  InternalError: 1011,
  /** Room full or server busy; retry later. */
  TryAgainLater: 1013,
  /** The same participant connected again elsewhere; this socket is replaced. */
  Replaced: 4000,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

/**
 * Encodes a typed reason as `"<code>: <message>"`, truncated to the close-frame limit, so our
 * client can rebuild a typed error while other clients still read plain text.
 */
export function encodeCloseReason(code: ErrorCode, message: string): string {
  const text = `${code}: ${message}`;
  // Every UTF-16 unit encodes to at least one byte, so only the first 123 units can fit. Cut by
  // code points so a surrogate pair is never split (a lone surrogate would become U+FFFD).
  let out = '';
  let bytes = 0;
  for (let char of text.slice(0, MAX_REASON_BYTES + 1)) {
    const point = char.codePointAt(0)!;
    if (point >= 0xd800 && point <= 0xdfff) char = '\ufffd'; // lone surrogate, as UTF-8 would send it
    const size = point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    if (bytes + size > MAX_REASON_BYTES) break;
    out += char;
    bytes += size;
  }
  return out;
}

/** Parses a reason written by {@link encodeCloseReason}; other text comes back without a code. */
export function parseCloseReason(reason: string): { code?: ErrorCode; message: string } {
  const match = /^([a-z_]+): (.*)$/s.exec(reason);
  if (!match || !Object.hasOwn(ERROR_STATUS, match[1]!)) return { message: reason };
  return { code: match[1] as ErrorCode, message: match[2]! };
}
