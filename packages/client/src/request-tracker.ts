import {
  EMPTY_CONTENT,
  PARTICIPANT_NOT_FOUND_TEXT,
  PermissionError,
  RoomError,
  errorCodeFromStatus,
  unpackContent,
  type Content,
  type ConveneError,
} from '@convene/protocol';

/** Turns an `error` Content into the typed error callers branch on. */
export function errorFromContent(content: { text: string; code?: number }): ConveneError {
  let code = errorCodeFromStatus(content.code);
  // MeshAgent servers send this text without a code; keep it recognisable.
  if (code === 'internal' && content.code === undefined && content.text === PARTICIPANT_NOT_FOUND_TEXT) {
    code = 'participant_not_found';
  }
  if (code === 'permission_denied') return new PermissionError(content.text);
  return new RoomError(code, content.text);
}

interface Pending {
  resolve(content: Content): void;
  reject(error: unknown): void;
}

/**
 * Requests waiting for their `__response__` on one socket, keyed by message id (ids restart at 0
 * on every socket, so a tracker never outlives its socket).
 *
 * A **silent** request is one the server answers only when it fails (a request chunk sent with
 * `ack: false`, docs/WIRE-EXTENSIONS.md). The server handles the messages of a socket in order and
 * answers a request chunk while handling it, so the answer to any later request shows that it
 * succeeded: it resolves (with an `empty` Content) once a response to a higher id arrives.
 *
 * @example
 * const response = tracker.track(0);
 * tracker.settle(0, packContent({ type: 'empty' })); // response resolves
 */
export class RequestTracker {
  readonly #pending = new Map<number, Pending>();
  /** Ids of silent requests, ascending (ids are given out in write order); some may be settled already. */
  readonly #silent: number[] = [];
  #silentHead = 0;

  get size(): number {
    return this.#pending.size;
  }

  /** `silent`: the request is only answered if it fails (see the class comment). */
  track(id: number, silent = false): Promise<Content> {
    return new Promise<Content>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (silent) this.#silent.push(id);
    });
  }

  /** Settles the request `id` with response data; returns false for an unknown (e.g. cancelled) id. */
  settle(id: number, data: Uint8Array): boolean {
    if (this.#silentHead < this.#silent.length) this.#settleSilentBefore(id);
    const pending = this.#pending.get(id);
    if (pending === undefined) return false;
    this.#pending.delete(id);
    let content: Content;
    try {
      content = unpackContent(data);
    } catch (error) {
      pending.reject(error);
      return true;
    }
    if (content.type === 'error') pending.reject(errorFromContent(content));
    else pending.resolve(content);
    return true;
  }

  /** Forgets a request whose caller gave up; a late response is then ignored. */
  cancel(id: number): void {
    this.#pending.delete(id);
  }

  rejectAll(error: () => unknown): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#silent.length = 0;
    this.#silentHead = 0;
    for (const entry of pending) entry.reject(error());
  }

  /** An answer to `id` arrived: every silent request written before it was handled without error. */
  #settleSilentBefore(id: number): void {
    const silent = this.#silent;
    let head = this.#silentHead;
    const handled: Pending[] = [];
    while (head < silent.length && silent[head]! < id) {
      const pending = this.#pending.get(silent[head]!);
      if (pending !== undefined) {
        this.#pending.delete(silent[head]!);
        handled.push(pending);
      }
      head++;
    }
    if (head === silent.length) {
      silent.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > silent.length) {
      silent.splice(0, head);
      head = 0;
    }
    this.#silentHead = head;
    for (const pending of handled) pending.resolve(EMPTY_CONTENT);
  }
}
