/** Server limits. Every limit is configuration with a safe default; see `resolveLimits`. */
export interface Limits {
  /** Largest single WebSocket frame accepted, in bytes. */
  maxFrameBytes: number;
  /** Largest logical message (all data packets of one message together), in bytes. */
  maxMessageBytes: number;
  /** Sustained messages per second per connection (token bucket refill rate). */
  messagesPerSecond: number;
  /** Burst size of the per-connection token bucket. */
  messageBurst: number;
  /** Participants connected to one room at the same time. */
  participantsPerRoom: number;
  /** Bytes queued for one slow socket before the server drops it. */
  maxBufferedBytes: number;
  /**
   * Documents (`sync.open` streams) one connection may hold open at once. Each pins a Y.Doc and a
   * listener in server memory; kept below the router's cap of 256 streams so uploads still fit.
   */
  maxOpenDocuments: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFrameBytes: 2 * 1024 * 1024,
  maxMessageBytes: 16 * 1024 * 1024,
  messagesPerSecond: 200,
  messageBurst: 2000,
  participantsPerRoom: 500,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxOpenDocuments: 128,
});

/** Size of the data packets our senders use (MeshAgent's client uses 1024; any size is legal). */
export const DEFAULT_PACKET_BYTES = 64 * 1024;

/**
 * Merges overrides into the defaults, refusing values that are not positive integers so that a
 * typo in configuration fails at startup rather than disabling a limit.
 */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(overrides) as (keyof Limits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) throw new TypeError(`unknown limit "${String(key)}"`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new TypeError(`limit "${key}" must be a positive integer, got ${String(value)}`);
    }
    limits[key] = value;
  }
  if (limits.maxFrameBytes < 64) throw new TypeError('limit "maxFrameBytes" must be at least 64');
  return limits;
}
