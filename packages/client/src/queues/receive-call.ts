import { MessageType, TimeoutError, type Content } from '@convene/protocol';
import { abortedError } from '../deadline.js';
import { encodeInvokeTool } from '../invoke-tool.js';
import { randomId } from '../random-id.js';
import type { RequestOptions } from '../request-options.js';
import type { LiveSocket } from './live-socket.js';

export interface ReceiveArguments {
  name: string;
  create: boolean;
  wait: boolean;
}

/** Gives a message back to the front of its queue (`send {front: true, receive_id}`). */
export type GiveBack = (message: unknown, receiveId: string) => Promise<void>;

/** A signal that aborts with the typed error when the caller's signal aborts or the timeout passes. */
function deadline(options: RequestOptions): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const { signal, timeout } = options;
  const onAbort = (): void => controller.abort(abortedError(signal?.reason));
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const timer = timeout !== undefined && Number.isFinite(timeout)
    ? setTimeout(() => controller.abort(new TimeoutError(`the request timed out after ${timeout} ms`)), Math.max(0, timeout))
    : undefined;
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

function aborted(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });
}

/**
 * `queues.receive` that never loses a message to an abort or a timeout (docs/WIRE-EXTENSIONS.md,
 * "Queues"). Before the request is written, an abort just rejects. After, the receive is not
 * forgotten (its answer may carry a message): `cancel_receive` goes out on the same socket and
 * the original answer is awaited. `empty` means the server dropped the waiter; a message means
 * it was delivered before the cancel arrived, and it is given back to the front of the queue
 * before the call rejects with the typed `aborted`/`timeout` error.
 */
export async function receiveCall(live: LiveSocket, args: ReceiveArguments, options: RequestOptions, giveBack: GiveBack): Promise<Content> {
  const stop = deadline(options);
  try {
    const socket = await live.wait(stop.signal);
    const receiveId = randomId(22);
    const request = (tool: string, json: Record<string, unknown>): Promise<Content> =>
      socket.request(MessageType.InvokeTool, encodeInvokeTool({ toolkit: 'queues', tool, arguments: { type: 'json', json } })).response;
    const answer = request('receive', { ...args, receive_id: receiveId });
    const first = await Promise.race([answer, aborted(stop.signal)]);
    if (first !== null) return first;
    request('cancel_receive', { receive_id: receiveId }).catch(() => {});
    // The server answers the receive right after the cancel; a lost connection dropped the waiter.
    const late = await answer.catch(() => null);
    if (late?.type === 'json') await giveBack(late.json, receiveId);
    throw stop.signal.reason;
  } finally {
    stop.dispose();
  }
}
