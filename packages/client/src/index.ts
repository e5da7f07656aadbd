export { RoomClient } from './room-client.js';
export type { RoomClientOptions, RoomClientEvents, RoomStatusEvent } from './room-client.js';
export type { RoomStatus, SessionInfo } from './connection-types.js';
export type { RoomAuthorization } from './room-target.js';
export type { ReconnectOptions } from './backoff.js';
export type { RequestOptions } from './request-options.js';
export type { InvokeRequest } from './invoke-tool.js';
export type { RoomHost, Session, SessionHooks, ServerMessage } from './room-host.js';
export type { RoomSocket, SentRequest } from './room-socket.js';
export { LocalParticipant } from './local-participant.js';
export { ToolCallStream } from './tool-call-stream.js';
export type { StreamInvokeRequest } from './tool-call-streams.js';
export { MessagingClient } from './messaging-client.js';
export type { MessagingEvents, RoomMessage, SendMessageParams, BroadcastMessageParams } from './messaging-types.js';
export type { RemoteParticipant } from './remote-participant.js';
export type { ParticipantUpdate } from './participant-table.js';
export type { Listener } from './event-emitter.js';
export { webSocketTransport } from './web-socket-transport.js';
export type { WebSocketLikeConstructor } from './web-socket-transport.js';
export type {
  Transport,
  TransportCloseEvent,
  TransportConnectOptions,
  TransportFactory,
  TransportHandlers,
} from './transport.js';
// The typed errors, so apps can `instanceof`/`code`-check without a second import.
export {
  ConveneError,
  RoomError,
  PermissionError,
  TimeoutError,
  ConnectionError,
  ProtocolError,
} from '@convene/protocol';
export type { Content, ErrorCode } from '@convene/protocol';
export type { RoomExtensions } from './room-extensions.js';
// Their types, so apps and libraries can name them without pulling in the code.
export type { StorageClient } from './storage-client.js';
export type { StorageHost } from './storage-client.js';
export type {
  StorageEntry,
  StorageEvents,
  StorageFileEvent,
  StorageMoveEvent,
  UploadOptions,
  UploadStreamOptions,
  UploadProgress,
  DownloadOptions,
  DownloadedFile,
  FileDownload,
} from './storage-types.js';
export type { UploadSource } from './storage-upload.js';
export type { SyncClient } from './sync/sync-client.js';
export type { OpenDocumentOptions, SyncHost } from './sync/sync-client.js';
export type { MeshDocument } from './sync/mesh-document.js';
export type { DocumentChangeEvent, MeshDocumentEvents } from './sync/mesh-document.js';
export type { MeshElement } from './sync/mesh-element.js';
export type { MeshText } from './sync/mesh-text.js';
export type { TextAttributes, TextDeltaItem } from './sync/mesh-text.js';
export type { MeshSchema } from './sync/mesh-schema.js';
export type { MeshSchemaJson } from './sync/mesh-schema.js';
export type { ElementType, ValueProperty, ChildProperty } from './sync/element-type.js';
export type { ElementProperty, ValueType, JsonValue } from './sync/element-type.js';
export type { ElementJson, ToJsonOptions } from './sync/document-json.js';
export type { SchemaError } from './sync/schema-error.js';
export type { SchemaErrorReason } from './sync/schema-error.js';
export type { AgentsClient } from './agents-client.js';
export type { HostedToolkit } from './agents/hosted-toolkit.js';
export type {
  ToolkitDescription,
  ToolDescription,
  ToolCallContext,
  HostedToolDefinition,
  HostedToolkitDefinition,
} from './agents/toolkit-types.js';
export type { QueuesClient } from './queues-client.js';
export type { QueuesHost, QueueInfo, QueueSendOptions, QueueReceiveOptions } from './queues-client.js';
export type { DatabaseClient } from './database-client.js';
export type { DatabaseHost } from './database-client.js';
export type {
  CreateTableOptions,
  DropTableOptions,
  SelectOptions,
  DatabaseChange,
  DatabaseColumnInfo,
  DatabaseEvents,
} from './database/database-types.js';
export type {
  DatabaseColumn,
  DatabaseColumnType,
  DatabaseColumnCondition,
  DatabaseComparison,
  DatabaseCreateMode,
  DatabaseFilter,
  DatabaseOperation,
  DatabaseOrderBy,
  DatabaseRow,
  DatabaseValue,
} from '@convene/protocol';
