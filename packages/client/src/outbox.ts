import type { MessagingSendArguments } from '@convene/protocol';

/** One message waiting to be sent, or sent and waiting for its acknowledgement. */
export interface OutboxEntry {
  readonly tool: 'send' | 'broadcast';
  readonly arguments: MessagingSendArguments & { message_id: string };
  /** Recipient id for direct sends. */
  readonly to: string | undefined;
  /** Identity of the write in flight, or null while queued. Acks for an older write are ignored. */
  attempt: object | null;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Messaging sends in call order. Entries are written in order and acknowledged in order, so the
 * ones in flight always form a prefix; after a lost connection they go back to the queue in
 * place and are resent with the same `message_id`, which the server dedupes.
 *
 * @example
 * const entry = outbox.push({ tool: 'broadcast', arguments, to: undefined, resolve, reject });
 * const attempt = outbox.markSent(entry);
 * outbox.requeueInFlight(); // connection lost: entry.attempt is null again, same place in line
 */
export class Outbox {
  #entries: OutboxEntry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  push(entry: Omit<OutboxEntry, 'attempt'>): OutboxEntry {
    const full: OutboxEntry = { ...entry, attempt: null };
    this.#entries.push(full);
    return full;
  }

  has(entry: OutboxEntry): boolean {
    return this.#entries.includes(entry);
  }

  /** Entries not yet written on the current connection, in call order. */
  queued(): OutboxEntry[] {
    return this.#entries.filter((entry) => entry.attempt === null);
  }

  /** Marks `entry` as written; returns the token its acknowledgement must match. */
  markSent(entry: OutboxEntry): object {
    const attempt = {};
    entry.attempt = attempt;
    return attempt;
  }

  remove(entry: OutboxEntry): void {
    entry.attempt = null;
    const index = this.#entries.indexOf(entry);
    if (index >= 0) this.#entries.splice(index, 1);
  }

  /** The connection dropped: every unacknowledged write is queued again, order unchanged. */
  requeueInFlight(): void {
    for (const entry of this.#entries) entry.attempt = null;
  }

  rejectAll(error: unknown): void {
    const entries = this.#entries;
    this.#entries = [];
    for (const entry of entries) {
      entry.attempt = null;
      entry.reject(error);
    }
  }
}
