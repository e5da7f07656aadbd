/** Options every request method accepts. */
export interface RequestOptions {
  /** Reject with `TimeoutError` when no answer arrived after this many ms (includes waiting to connect). */
  timeout?: number;
  /** Reject with `RoomError('aborted')` when this signal aborts. */
  signal?: AbortSignal;
}
