import { CloseCode, ConnectionError, parseCloseReason, type ErrorCode } from '@convene/protocol';
import type { TransportCloseEvent } from './transport.js';

/** What to do after a socket closed or failed to open. */
export type CloseDecision =
  | { kind: 'retry'; error: ConnectionError; immediate: boolean }
  | { kind: 'terminal'; error: ConnectionError };

export interface CloseContext {
  /** The client reached the room before, so this close ends a session or a reconnect attempt. */
  reconnecting: boolean;
  /** The one immediate retry for an expired token was already spent since the last session. */
  expiredRetryUsed: boolean;
  /** The WebSocket handshake completed on this attempt. */
  opened: boolean;
}

/** HTTP refusals that no retry can fix. */
const TERMINAL_HTTP: Readonly<Record<number, ErrorCode>> = {
  401: 'unauthorized',
  403: 'permission_denied',
  404: 'not_found',
};

/**
 * Classifies a close (WIRE-EXTENSIONS.md table): HTTP 401/403/404, close 1000 (the server's "do not
 * come back") and 4000 (replaced) are terminal; everything else is transient and retried. An
 * expired token on a reconnect is retried once at once, with a freshly authorized token.
 */
export function classifyClose(event: TransportCloseEvent, context: CloseContext): CloseDecision {
  if (event.httpStatus !== undefined) {
    const code = TERMINAL_HTTP[event.httpStatus];
    const message = `the server refused the connection with HTTP ${event.httpStatus}`;
    if (code !== undefined) return { kind: 'terminal', error: new ConnectionError(code, message, { terminal: true }) };
    return { kind: 'retry', immediate: false, error: new ConnectionError('connection_failed', message, { terminal: false }) };
  }
  const parsed = parseCloseReason(event.reason);
  const text = parsed.message || `the connection closed with code ${event.code}`;
  if (event.code === CloseCode.Normal) {
    if (parsed.code === 'token_expired' && context.reconnecting && !context.expiredRetryUsed) {
      return { kind: 'retry', immediate: true, error: new ConnectionError('token_expired', text, { terminal: false }) };
    }
    return { kind: 'terminal', error: new ConnectionError(parsed.code ?? 'disconnected', text, { terminal: true }) };
  }
  if (event.code === CloseCode.Replaced) {
    const message = parsed.message || 'the same participant connected again elsewhere';
    return { kind: 'terminal', error: new ConnectionError(parsed.code ?? 'replaced', message, { terminal: true }) };
  }
  const code: ErrorCode = parsed.code ?? (context.opened ? 'disconnected' : 'connection_failed');
  return { kind: 'retry', immediate: false, error: new ConnectionError(code, text, { terminal: false }) };
}
