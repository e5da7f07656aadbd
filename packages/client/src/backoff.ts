/** Reconnect policy. Every field is optional; see {@link resolveReconnectOptions} for defaults. */
export interface ReconnectOptions {
  /** Retry after transient failures (default true). When false, the first failure is final. */
  enabled?: boolean;
  /** Nominal delay before the first retry, in ms (default 250). */
  initialDelayMs?: number;
  /** Cap on the nominal delay, in ms (default 15 000). */
  maxDelayMs?: number;
  /** Consecutive retries without reaching the room before giving up (default: unlimited). */
  maxAttempts?: number;
}

export type ResolvedReconnectOptions = Required<ReconnectOptions>;

export function resolveReconnectOptions(options: ReconnectOptions = {}): ResolvedReconnectOptions {
  return {
    enabled: options.enabled ?? true,
    initialDelayMs: options.initialDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 15_000,
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * Delay before retry number `retry` (0-based): exponential (factor 2) up to the cap, then
 * jittered to a random point in [0.5, 1] of the nominal value so that many clients dropped by the
 * same server restart do not come back in lockstep.
 */
export function backoffDelay(
  retry: number,
  options: Pick<ResolvedReconnectOptions, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** retry);
  return Math.round(nominal * (0.5 + 0.5 * random()));
}
