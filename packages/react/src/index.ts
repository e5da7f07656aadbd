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
export { useDocument } from './hooks/use-document.js';
export type { UseDocumentOptions, DocumentResult, DocumentStatus } from './hooks/use-document.js';
export type {
  ChatMessage,
  MessageState,
  AttachmentInfo,
  ParticipantView,
  LocalParticipantView,
  ConnectionStatusValue,
} from './types.js';
export { RoomChat } from './connected/room-chat.js';
export type { RoomChatProps } from './connected/room-chat.js';
export { RoomPresence } from './connected/room-presence.js';
export type { RoomPresenceProps } from './connected/room-presence.js';
export { RoomConnectionStatus } from './connected/room-connection-status.js';
export type { RoomConnectionStatusProps } from './connected/room-connection-status.js';
// Presentational components: props only.
export { Avatar } from './components/avatar.js';
export type { AvatarProps } from './components/avatar.js';
export { AvatarStack } from './components/avatar-stack.js';
export type { AvatarStackProps } from './components/avatar-stack.js';
export { Chat } from './components/chat.js';
export type { ChatProps } from './components/chat.js';
export { Composer } from './components/composer.js';
export type { ComposerDraft, ComposerProps } from './components/composer.js';
export { ConnectionStatus } from './components/connection-status.js';
export type { ConnectionStatusProps } from './components/connection-status.js';
export { Message } from './components/message.js';
export type { MessageProps } from './components/message.js';
export { MessageAttachment } from './components/message-attachment.js';
export type { MessageAttachmentProps } from './components/message-attachment.js';
export { MessageList } from './components/message-list.js';
export type { MessageListProps } from './components/message-list.js';
export { ParticipantList } from './components/participant-list.js';
export type { ParticipantListProps } from './components/participant-list.js';
export { TypingIndicator } from './components/typing-indicator.js';
export type { TypingIndicatorProps } from './components/typing-indicator.js';
export { avatarColor } from './components/avatar-color.js';
export { displayName } from './components/display-name.js';
export { formatBytes } from './components/format-bytes.js';
export { formatTime } from './components/format-time.js';
export { initials } from './components/initials.js';
export { thinkingText, typingText } from './components/typing-text.js';
export { useToolkits } from './hooks/use-toolkits.js';
export { useHostedToolkit } from './hooks/use-hosted-toolkit.js';
export type { HostedToolkitStatus } from './hooks/use-hosted-toolkit.js';
export { useStorageList } from './hooks/use-storage-list.js';
export { useFile } from './hooks/use-file.js';
export { useTable, useTableMutation } from './hooks/use-table.js';
export type { TableQuery, TableMutation } from './hooks/use-table.js';
export { roomQueryKeys } from './hooks/use-room-query-key.js';
export { useQueueConsumer } from './hooks/use-queue.js';
export type { QueueConsumerState } from './hooks/use-queue.js';
