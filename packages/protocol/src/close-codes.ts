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
  let text = `${code}: ${message}`;
  const encoder = new TextEncoder();
  while (encoder.encode(text).length > MAX_REASON_BYTES) text = text.slice(0, -1);
  return text;
}

/** Parses a reason written by {@link encodeCloseReason}; other text comes back without a code. */
export function parseCloseReason(reason: string): { code?: ErrorCode; message: string } {
  const match = /^([a-z_]+): (.*)$/s.exec(reason);
  if (!match || !Object.hasOwn(ERROR_STATUS, match[1]!)) return { message: reason };
  return { code: match[1] as ErrorCode, message: match[2]! };
}
