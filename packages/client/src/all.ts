// Every room API: the main entry plus each extension, registered. `@convene/client/node` uses it.
export * from './index.js';
export * from './storage.js';
export * from './sync.js';
export * from './agents.js';
export * from './queues.js';
export * from './database.js';
export { mimeTypeOf } from '@convene/protocol';
