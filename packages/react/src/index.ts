export { RoomProvider, RoomStoreContext } from './room-provider.js';
export type { RoomProviderProps } from './room-provider.js';
export { createRoomStore, TYPING_MESSAGE_TYPE } from './store/create-room-store.js';
export type { RoomStore } from './store/create-room-store.js';
export type { RoomStoreState, RoomStoreActions, RoomStoreOptions, OutgoingAttachment } from './store/room-store-types.js';
export { useRoomConnection } from './hooks/use-room-connection.js';
export type { UseRoomConnectionOptions, RoomConnectionResult, RoomConnectionState } from './hooks/use-room-connection.js';
export { useRoomStore } from './hooks/use-room-store.js';
export { useRoomSelector, shallowEqual } from './hooks/use-room-selector.js';
export { useParticipants } from './hooks/use-participants.js';
export { useParticipant } from './hooks/use-participant.js';
export { useLocalParticipant } from './hooks/use-local-participant.js';
export type { LocalParticipantResult } from './hooks/use-local-participant.js';
export { useConnectionStatus } from './hooks/use-connection-status.js';
export type { ConnectionStatusResult } from './hooks/use-connection-status.js';
export { useMessages } from './hooks/use-messages.js';
export type { MessageFilter, MessagesResult } from './hooks/use-messages.js';
export { useTyping } from './hooks/use-typing.js';
export type { TypingResult } from './hooks/use-typing.js';
export type {
  ChatMessage,
  MessageState,
  AttachmentInfo,
  ParticipantView,
  LocalParticipantView,
  ConnectionStatusValue,
} from './types.js';
