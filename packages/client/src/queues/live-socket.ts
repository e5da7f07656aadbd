import type { ConnectionError } from '@convene/protocol';
import type { SessionHooks } from '../room-host.js';
import type { RoomSocket } from '../room-socket.js';

interface Waiting {
  resolve(socket: RoomSocket): void;
  reject(error: unknown): void;
}

/**
 * The socket of the live session, for requests that must know whether they were written: a
 * cancelled receive needs its `cancel_receive` on the very socket that carried it, and a
 * receive aborted before it was written needs nothing at all.
 */
export class LiveSocket {
  readonly #waiting = new Set<Waiting>();
  #socket: RoomSocket | null = null;
  #stopped: ConnectionError | null = null;

  /** `current` is the live session's socket when the queues client is created after connecting. */
  constructor(registerHooks: (hooks: SessionHooks) => () => void, current: RoomSocket | null = null) {
    this.#socket = current;
    registerHooks({
      sessionStarted: ({ socket }) => {
        this.#socket = socket;
        for (const waiting of [...this.#waiting]) waiting.resolve(socket);
      },
      sessionLost: () => {
        this.#socket = null;
      },
      stopped: (error) => {
        this.#socket = null;
        this.#stopped = error;
        for (const waiting of [...this.#waiting]) waiting.reject(error);
      },
    });
  }

  /** The open socket, once there is one; rejects with the signal's reason or the terminal error. */
  wait(signal: AbortSignal): Promise<RoomSocket> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#stopped !== null) return Promise.reject(this.#stopped);
    if (this.#socket !== null && this.#socket.isOpen) return Promise.resolve(this.#socket);
    return new Promise<RoomSocket>((resolve, reject) => {
      const done = (): void => {
        this.#waiting.delete(waiting);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason);
      };
      const waiting: Waiting = {
        resolve: (socket) => {
          done();
          resolve(socket);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      this.#waiting.add(waiting);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
