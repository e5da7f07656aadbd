import { registerRoomExtension } from './room-extensions.js';
import { SyncClient } from './sync/sync-client.js';

/**
 * Shared documents: MeshDocument on Yjs with a schema.
 * Importing this module (once, anywhere in the app) makes `room.sync` available.
 *
 * @example
 * import '@convene/client/sync';
 */
registerRoomExtension('sync', (client) => new SyncClient(client));

export { SyncClient } from './sync/sync-client.js';
export type { OpenDocumentOptions, SyncHost } from './sync/sync-client.js';
export { MeshDocument } from './sync/mesh-document.js';
export type { DocumentChangeEvent, MeshDocumentEvents } from './sync/mesh-document.js';
export { MeshElement } from './sync/mesh-element.js';
export { MeshText } from './sync/mesh-text.js';
export type { TextAttributes, TextDeltaItem } from './sync/mesh-text.js';
export { MeshSchema } from './sync/mesh-schema.js';
export type { MeshSchemaJson } from './sync/mesh-schema.js';
export { ElementType, ValueProperty, ChildProperty } from './sync/element-type.js';
export type { ElementProperty, ValueType, JsonValue } from './sync/element-type.js';
export type { ElementJson, ToJsonOptions } from './sync/document-json.js';
export { SchemaError } from './sync/schema-error.js';
export type { SchemaErrorReason } from './sync/schema-error.js';
