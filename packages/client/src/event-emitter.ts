import { reportError } from './report-error.js';

/** A listener for one event; events without a payload pass `undefined`. */
export type Listener<T> = (payload: T) => void;

/**
 * A small typed event emitter. `Events` maps event names to payload types. A throwing listener is
 * reported and does not stop the others, so one buggy UI subscriber cannot stall the client.
 *
 * @example
 * type Events = { status: string; ready: undefined };
 * const emitter = new Emitter<Events>();
 * const off = emitter.on('status', (status) => console.log(status));
 * emitter.emit('status', 'connected');
 * off();
 */
export class Emitter<Events> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return;
    // Copy so a listener that unsubscribes (or subscribes) during emit does not disturb this round.
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        listener(payload);
      } catch (error) {
        reportError(error);
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
