import {
  EMPTY_CONTENT,
  PermissionError,
  RoomError,
  queueAllowed,
  queueListAllowed,
  type ApiScope,
  type Content,
  type QueueOperation,
} from '@convene/protocol';
import type { Database } from '../../database/database.js';
import { silentLogger, type Logger } from '../../logger.js';
import type { Participant } from '../../participant.js';
import type { Toolkit } from '../../toolkit.js';
import { queueArguments, queueName, receiveId, receiveRequest, sendRequest } from './queue-arguments.js';
import { QueueStore, type Placement } from './queue-store.js';
import { QueueWaiters } from './queue-waiters.js';

export interface QueuesToolkitOptions {
  /** The server's message limit: a queued message must fit in the receive that answers it. */
  maxMessageBytes: number;
  logger?: Logger;
}

/** Room for the response's Content header around a delivered message. */
const REPLY_HEADROOM = 1024;

const json = (value: unknown): Content => ({ type: 'json', json: value });

function check(api: ApiScope | null, name: string, ...operations: QueueOperation[]): void {
  for (const operation of operations) {
    if (!queueAllowed(api, operation, name)) throw new PermissionError(`the token does not grant ${operation} on queue "${name}"`);
  }
}

/**
 * The `queues` toolkit (PROTOCOL.md §5.4; docs/WIRE-EXTENSIONS.md, "Queues"). Messages are rows in
 * the server's database, so they outlive rooms and restarts; a `send` is answered after its commit.
 * Each message goes to exactly one receiver, FIFO per queue. Grants are checked before anything is
 * read or changed, so a refusal (403) changes nothing.
 *
 * @example
 * new RoomServer({ secret, toolkits: [createQueuesToolkit(database, { maxMessageBytes })] });
 */
export function createQueuesToolkit(database: Database, options: QueuesToolkitOptions): Toolkit {
  const store = new QueueStore(database);
  const waiters = new QueueWaiters(store, options.logger ?? silentLogger);
  const maxMessageBytes = Math.max(0, options.maxMessageBytes - REPLY_HEADROOM);

  /** `front` with the `receive_id` of our own delivery goes back to its old place with the receive grant alone. */
  function placement(participant: Participant, room: string, name: string, front: boolean, id: string | undefined): Placement {
    if (!front) {
      check(participant.claims.api, name, 'send');
      return { at: 'back' };
    }
    const delivery = id === undefined ? undefined : waiters.takeBack(participant, id, room, name);
    if (delivery === undefined) {
      check(participant.claims.api, name, 'send');
      return { at: 'front' };
    }
    check(participant.claims.api, name, 'receive');
    return { at: 'seq', seq: delivery.seq };
  }

  return {
    name: 'queues',
    api: 'queues',
    tools: {
      list: {
        allowed: queueListAllowed,
        async handle({ room, participant }, input) {
          queueArguments(input, 'list');
          const api = participant.claims.api;
          // Only queues the token can use at all: the names of the others are not its business.
          const queues = (await store.list(room.name)).filter(
            ({ name }) => queueAllowed(api, 'send', name) || queueAllowed(api, 'receive', name),
          );
          return json({ queues });
        },
      },
      open: {
        async handle({ room, participant }, input) {
          const name = queueName(queueArguments(input, 'open'));
          const api = participant.claims.api;
          if (!queueAllowed(api, 'send', name) && !queueAllowed(api, 'receive', name)) {
            throw new PermissionError(`the token grants neither send nor receive on queue "${name}"`);
          }
          await store.open(room.name, name);
          return EMPTY_CONTENT;
        },
      },
      drain: {
        async handle({ room, participant }, input) {
          const name = queueName(queueArguments(input, 'drain'));
          check(participant.claims.api, name, 'receive');
          if (!(await store.drain(room.name, name))) throw new RoomError('not_found', `queue "${name}" does not exist`);
          return EMPTY_CONTENT;
        },
      },
      close: {
        async handle({ room, participant }, input) {
          const name = queueName(queueArguments(input, 'close'));
          check(participant.claims.api, name, 'send', 'receive');
          await store.close(room.name, name);
          waiters.closed(room.name, name);
          return EMPTY_CONTENT;
        },
      },
      send: {
        async handle({ room, participant }, input) {
          const request = sendRequest(queueArguments(input, 'send'), maxMessageBytes);
          const where = placement(participant, room.name, request.name, request.front, request.receiveId);
          await store.send(room.name, request.name, request.messageJson, request.create, where);
          waiters.notify(room.name, request.name);
          return EMPTY_CONTENT;
        },
      },
      receive: {
        async handle({ room, participant }, input) {
          const request = receiveRequest(queueArguments(input, 'receive'));
          check(participant.claims.api, request.name, 'receive');
          const early = request.wait ? request.receiveId : undefined;
          if (early !== undefined) waiters.arriving(participant, early);
          try {
            if (request.create) await store.open(room.name, request.name);
            else if (!(await store.exists(room.name, request.name))) throw new RoomError('not_found', `queue "${request.name}" does not exist`);
            if (request.wait) return waiters.wait(participant, room.name, request.name, request.receiveId);
          } finally {
            if (early !== undefined) waiters.arrived(participant, early);
          }
          const taken = await store.take(room.name, request.name);
          if (taken === null) return EMPTY_CONTENT;
          if (request.receiveId !== undefined) waiters.remember(participant, request.receiveId, { room: room.name, queue: request.name, seq: taken.seq });
          return json(taken.message);
        },
      },
      /** Convene only: stop a waiting receive of this connection (it is answered `empty`). */
      cancel_receive: {
        handle({ participant }, input) {
          const id = receiveId(queueArguments(input, 'cancel_receive'), true)!;
          return json({ cancelled: waiters.cancel(participant, id) });
        },
      },
    },
  };
}
