export {
  encodeMessage,
  encodeHeaderFrame,
  encodePackedMessage,
  headerFrameBytes,
  writeHeaderFrame,
  packedDataFrameBytes,
  writePackedDataFrame,
  FrameDecoder,
} from './frame-codec.js';
export type { WireMessage, FrameDecoderOptions } from './frame-codec.js';
export { encodeHeader, pack, packEncodedHeader, unpack, unpackObject, isPlainObject } from './packing.js';
export type { Packed } from './packing.js';
export { UnpackCache, isBinaryChunkHeader, type UnpackCacheOptions } from './unpack-cache.js';
export {
  contentToWire,
  contentFromWire,
  packContent,
  unpackContent,
  errorContent,
  EMPTY_CONTENT,
} from './content.js';
export type { Content } from './content.js';
export { MessageType, MessagingEvent, isSystemMessageType, toolCallMessageType } from './message-types.js';
export type {
  ParticipantInfo,
  RoomReadyHeader,
  ConnectedHeader,
  MessagingSendArguments,
  MessagingDeliveryHeader,
  InvokeToolHeader,
} from './message-types.js';
export {
  buildParticipantClaims,
  parseParticipantClaims,
  defaultApiScope,
  roomGrantAllows,
  apiAllows,
  messagingAllows,
} from './token.js';
export type {
  Grant,
  ParticipantTokenPayload,
  ParticipantClaims,
  ApiScope,
  MessagingScope,
  MessagingOperation,
  BuildClaimsOptions,
} from './token.js';
export { storageReadAllowed, storageWriteAllowed, storageTreeWriteAllowed } from './storage-grants.js';
export type { StorageScope, StoragePathGrant } from './storage-grants.js';
export { syncReadAllowed, syncWriteAllowed } from './sync-grants.js';
export type { SyncScope, SyncPathGrant } from './sync-grants.js';
export { CloseCode, encodeCloseReason, parseCloseReason } from './close-codes.js';
export type { CloseCodeValue } from './close-codes.js';
export {
  ConveneError,
  RoomError,
  PermissionError,
  TimeoutError,
  ConnectionError,
  ProtocolError,
  MessageTooLargeError,
  ERROR_STATUS,
  errorCodeFromStatus,
  PARTICIPANT_NOT_FOUND_TEXT,
} from './errors.js';
export type { ErrorCode } from './errors.js';
export { DEFAULT_LIMITS, DEFAULT_PACKET_BYTES, resolveLimits } from './limits.js';
export type { Limits } from './limits.js';
export { encodeBase64, encodeBase64Bytes, decodeBase64, decodeBase64Bytes } from './base64.js';
export { agentsAllows, hostedToolkitAllowed, hostedToolkitListed } from './agents-grants.js';
export type { AgentsOperation } from './agents-grants.js';
export { datasetListTablesAllowed, datasetTableAllowed } from './database-grants.js';
export type { DatasetScope, DatasetTableGrant, DatasetOperation } from './database-grants.js';
export { DATABASE_CHANGED, DATABASE_COLUMN_TYPES, DATABASE_COMPARISONS, DATABASE_IDENTIFIER, DATABASE_LIMITS } from './database-filter.js';
export type {
  DatabaseColumnType,
  DatabaseValue,
  DatabaseRow,
  DatabaseColumn,
  DatabaseCreateMode,
  DatabaseComparison,
  DatabaseColumnCondition,
  DatabaseFilter,
  DatabaseOrderBy,
  DatabaseOperation,
  DatabaseChangedEvent,
} from './database-filter.js';
export { queueAllowed, queueListAllowed } from './queue-grants.js';
export type { QueuesScope, QueueOperation } from './queue-grants.js';
export { mimeTypeOf, DEFAULT_MIME_TYPE } from './mime-types.js';
export { jsonWithinDepth } from './json-depth.js';
