import { RoomError, TimeoutError } from '@convene/protocol';
import type { RequestOptions } from './request-options.js';

/** The typed error for an aborted request; the signal's reason is kept as the cause. */
export function abortedError(reason: unknown): RoomError {
  return new RoomError('aborted', 'the request was aborted', { cause: reason });
}

/**
 * Runs `run` under the caller's timeout and AbortSignal. `run` gets a signal that aborts (with the
 * typed error as its reason) when either fires, so it can drop its own bookkeeping, e.g. forget a
 * pending request or take a message out of the outbox.
 */
export function withDeadline<T>(
  options: RequestOptions | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { timeout, signal } = options ?? {};
  if (signal?.aborted) return Promise.reject(abortedError(signal.reason));
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onUserAbort = (): void => controller.abort(abortedError(signal?.reason));
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onUserAbort);
    };
    controller.signal.addEventListener('abort', () => {
      cleanup();
      reject(controller.signal.reason);
    }, { once: true });
    if (timeout !== undefined && Number.isFinite(timeout)) {
      timer = setTimeout(
        () => controller.abort(new TimeoutError(`the request timed out after ${timeout} ms`)),
        Math.max(0, timeout),
      );
    }
    signal?.addEventListener('abort', onUserAbort, { once: true });
    run(controller.signal).then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
