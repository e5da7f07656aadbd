import {
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
 * @example
 * const response = tracker.track(0);
 * tracker.settle(0, packContent({ type: 'empty' })); // response resolves
 */
export class RequestTracker {
  readonly #pending = new Map<number, Pending>();

  get size(): number {
    return this.#pending.size;
  }

  track(id: number): Promise<Content> {
    return new Promise<Content>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
  }

  /** Settles the request `id` with response data; returns false for an unknown (e.g. cancelled) id. */
  settle(id: number, data: Uint8Array): boolean {
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
    for (const entry of pending) entry.reject(error());
  }
}
