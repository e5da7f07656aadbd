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
export { ToolCallStream, type ChunkOptions, type StreamConsumer } from './tool-call-stream.js';
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
// Their types, so apps and libraries can name them without pulling in the code: `export type *`
// is erased at build time, so it neither imports the code nor runs the registration.
export type * from './storage.js';
export type * from './sync.js';
export type * from './agents.js';
export type * from './queues.js';
export type * from './database.js';
