/**
 * Typed errors shared by client and server. Callers branch on `code` (stable) or on the class,
 * never on message text. On the wire an error travels as an `error` Content whose integer `code`
 * is the HTTP-like status in {@link ERROR_STATUS}.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'token_expired'
  | 'permission_denied'
  | 'not_found'
  | 'participant_not_found'
  | 'room_full'
  | 'timeout'
  | 'aborted'
  | 'payload_too_large'
  | 'rate_limited'
  | 'protocol_error'
  | 'disconnected'
  | 'connection_failed'
  | 'disposed'
  | 'server_shutdown'
  | 'replaced'
  | 'internal';

/** Wire status for each code. MeshAgent clients only see the number and the text. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  token_expired: 419,
  permission_denied: 403,
  not_found: 404,
  participant_not_found: 410,
  room_full: 423,
  timeout: 408,
  aborted: 499,
  payload_too_large: 413,
  rate_limited: 429,
  protocol_error: 422,
  disconnected: 520,
  connection_failed: 502,
  disposed: 498,
  server_shutdown: 503,
  replaced: 409,
  internal: 500,
};

// Statuses are unique, so a code survives the round trip through the wire.
const CODE_BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).map(([code, status]) => [status, code]),
);

/** Maps a wire status (possibly missing or unknown) back to a code. */
export function errorCodeFromStatus(status: number | undefined): ErrorCode {
  if (status === undefined) return 'internal';
  return CODE_BY_STATUS.get(status) ?? 'internal';
}

/** MeshAgent's client marks a recipient offline on exactly this text (PROTOCOL.md §5.1). */
export const PARTICIPANT_NOT_FOUND_TEXT = 'the participant was not found';

export class ConveneError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A room API refused or failed a request. */
export class RoomError extends ConveneError {}
/** The grant in the participant's token does not allow the operation. */
export class PermissionError extends ConveneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('permission_denied', message, options);
  }
}
/** A request waited longer than its timeout. */
export class TimeoutError extends ConveneError {
  constructor(message: string) {
    super('timeout', message);
  }
}
/** The connection failed, was refused, or closed. `terminal` says whether retrying can help. */
export class ConnectionError extends ConveneError {
  readonly terminal: boolean;
  constructor(code: ErrorCode, message: string, options: { terminal: boolean; cause?: unknown }) {
    super(code, message, options);
    this.terminal = options.terminal;
  }
}
/** Bytes that do not follow the wire protocol. */
export class ProtocolError extends ConveneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('protocol_error', message, options);
  }
}

/**
 * A message whose data outgrew the size limit. The framing is intact (the decoder skips the rest
 * of the message), so the receiver can answer request `messageId` with an error and carry on.
 */
export class MessageTooLargeError extends ProtocolError {
  readonly messageId: number;
  readonly messageType: string;
  constructor(messageId: number, messageType: string, limit: number) {
    super(`message ${messageId} (${messageType}) exceeds ${limit} bytes`);
    this.messageId = messageId;
    this.messageType = messageType;
  }
}
