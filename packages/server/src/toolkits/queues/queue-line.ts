import { EMPTY_CONTENT, type Content } from '@convene/protocol';
import type { Participant } from '../../participant.js';
import type { TakenMessage } from './queue-store.js';

/** A waiting `receive` (wait: true) of one participant. */
export interface Waiter {
  readonly participant: Participant;
  /** Our client's id for `cancel_receive`; MeshAgent clients send none. */
  readonly receiveId: string | undefined;
  /** Its connection closed or it was cancelled: it must never keep a message. */
  cancelled: boolean;
  /** A take for it is in flight; it cannot be removed until the take settles. */
  taking: boolean;
  /** Answers the receive (once). */
  settle(content: Content): void;
}

export interface LineStore {
  take(): Promise<TakenMessage | null>;
  /** Puts a message taken for a waiter that is gone back where it was (never rejects). */
  putBack(message: TakenMessage): Promise<void>;
}

export interface LineEvents {
  delivered(waiter: Waiter, message: TakenMessage): void;
  failed(waiter: Waiter, error: unknown): void;
  /** Nothing waits and nothing runs: the owner may forget the line. */
  idle(): void;
}

/**
 * The waiters of one queue, served in arrival order by a single pump: while the first waiter is
 * waiting and the queue has a message, it takes one with the store's atomic statement. A take
 * that finds nothing (another receiver won the race, or the queue is empty) leaves the waiter
 * first in line. A `kick` during a take makes the pump look again, so a send that commits while
 * a take runs is never missed.
 */
export class QueueLine {
  readonly #waiters: Waiter[] = [];
  readonly #store: LineStore;
  readonly #events: LineEvents;
  #running = false;
  #again = false;

  constructor(store: LineStore, events: LineEvents) {
    this.#store = store;
    this.#events = events;
  }

  get idle(): boolean {
    return !this.#running && this.#waiters.length === 0;
  }

  add(waiter: Waiter): void {
    this.#waiters.push(waiter);
    this.kick();
  }

  /**
   * Takes a waiter out of line and answers it `empty`. One whose take is in flight is only marked
   * `cancelled`: the pump answers it once the take settled, after putting back a message it got,
   * so whoever cancelled and then receives again finds that message in the queue.
   */
  remove(waiter: Waiter): void {
    if (waiter.cancelled) return;
    waiter.cancelled = true;
    if (waiter.taking) return;
    const index = this.#waiters.indexOf(waiter);
    if (index >= 0) this.#waiters.splice(index, 1);
    waiter.settle(EMPTY_CONTENT);
    if (this.idle) this.#events.idle();
  }

  /** Every waiter, e.g. to answer them when the queue is closed. */
  waiters(): readonly Waiter[] {
    return [...this.#waiters];
  }

  /** A message may have arrived. */
  kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.#pump().finally(() => {
      this.#running = false;
      // A kick between the pump's last look and now (its promise settles a tick later) must not be lost.
      if (this.#again) this.kick();
      else if (this.idle) this.#events.idle();
    });
  }

  async #pump(): Promise<void> {
    do {
      this.#again = false;
      for (let waiter = this.#waiters[0]; waiter !== undefined; waiter = this.#waiters[0]) {
        if (waiter.participant.connection.closed) {
          // Normally already removed by its close listener; never take a message for a dead socket.
          this.#waiters.shift();
          waiter.cancelled = true;
          waiter.settle(EMPTY_CONTENT);
          continue;
        }
        waiter.taking = true;
        let taken: TakenMessage | null;
        try {
          taken = await this.#store.take();
        } catch (error) {
          waiter.taking = false;
          this.#waiters.shift();
          this.#events.failed(waiter, error);
          continue;
        }
        waiter.taking = false;
        // Waiters are only ever removed while not taking, so the first is still this one.
        if (waiter.cancelled) {
          this.#waiters.shift();
          if (taken !== null) await this.#store.putBack(taken);
          waiter.settle(EMPTY_CONTENT);
          continue;
        }
        if (taken === null) break;
        this.#waiters.shift();
        this.#events.delivered(waiter, taken);
      }
    } while (this.#again);
  }
}
