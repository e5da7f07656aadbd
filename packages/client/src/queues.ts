import { registerRoomExtension } from './room-extensions.js';
import { QueuesClient } from './queues-client.js';

/**
 * Durable FIFO queues with competing consumers.
 * Importing this module (once, anywhere in the app) makes `room.queues` available.
 *
 * @example
 * import '@convene/client/queues';
 */
registerRoomExtension('queues', (client) => new QueuesClient(client));

export { QueuesClient } from './queues-client.js';
export type { QueuesHost, QueueInfo, QueueSendOptions, QueueReceiveOptions } from './queues-client.js';
