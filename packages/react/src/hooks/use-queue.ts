// Registers `room.queues` on the client (the API's code is an opt-in entry point).
import '@convene/client/queues';
import { useEffect, useRef, useState } from 'react';
import { useRoomStore } from './use-room-store.js';

export interface QueueConsumerState<T> {
  /** Messages received so far, oldest first (bounded by `keep`). */
  messages: readonly T[];
  error: unknown;
}

/**
 * Consumes a room queue while mounted: waits for a message, hands it to `onMessage` (and keeps
 * the last `keep` ones for rendering), then waits for the next. Competing consumers each get
 * different messages. Unmounting aborts the waiting receive; the queue protocol puts back a
 * message that was already on its way, so none is lost.
 *
 * @example
 * const { messages } = useQueueConsumer<{ job: string }>('jobs', { onMessage: (m) => run(m.job) });
 */
export function useQueueConsumer<T = unknown>(
  name: string,
  options: { onMessage?: (message: T) => void; keep?: number; create?: boolean } = {},
): QueueConsumerState<T> {
  const { client } = useRoomStore('useQueueConsumer');
  const latest = useRef(options);
  latest.current = options;
  const [state, setState] = useState<QueueConsumerState<T>>({ messages: [], error: null });
  const create = options.create ?? true;

  useEffect(() => {
    const controller = new AbortController();
    const loop = async () => {
      await client.ready;
      while (!controller.signal.aborted) {
        const message = await client.queues.receive<T>(name, { wait: true, create, signal: controller.signal });
        if (message === null || controller.signal.aborted) continue;
        latest.current.onMessage?.(message);
        const keep = latest.current.keep ?? 50;
        setState((s) => ({ messages: [...s.messages, message].slice(-keep), error: null }));
      }
    };
    loop().catch((error: unknown) => {
      if (!controller.signal.aborted) setState((s) => ({ ...s, error }));
    });
    return () => controller.abort();
  }, [client, name, create]);
  return state;
}
