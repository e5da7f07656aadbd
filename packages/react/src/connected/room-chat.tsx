import { useCallback } from 'react';
import { Chat, type ChatProps } from '../components/chat.js';
import type { ComposerDraft } from '../components/composer.js';
import { useConnectionStatus } from '../hooks/use-connection-status.js';
import { useMessages } from '../hooks/use-messages.js';
import { useTyping } from '../hooks/use-typing.js';
import type { OutgoingAttachment } from '../store/room-store-types.js';
import type { ChatMessage } from '../types.js';

type BoundProps = 'messages' | 'onSend' | 'onTyping' | 'onRetryMessage' | 'typingNames' | 'thinkingNames' | 'status' | 'error';

export interface RoomChatProps extends Omit<ChatProps, BoundProps> {
  /** The message type this chat shows and sends (default `chat`, body `{ text }`). */
  type?: string;
  /** Called when a send fails, after the message is marked failed in the list. */
  onSendError?: (error: unknown) => void;
}

async function toAttachment(file: File): Promise<OutgoingAttachment> {
  const attachment: OutgoingAttachment = { data: new Uint8Array(await file.arrayBuffer()), name: file.name };
  if (file.type) attachment.mimeType = file.type;
  return attachment;
}

/**
 * The room's chat: `Chat` bound to useMessages, useTyping and useConnectionStatus. Messages are
 * broadcast to everyone in the room; our own show as pending until the server acknowledges them.
 *
 * @example
 * <RoomProvider client={client}><RoomChat label="Team chat" /></RoomProvider>
 */
export function RoomChat({ type = 'chat', onSendError, ...props }: RoomChatProps) {
  const { messages, broadcast, retry } = useMessages({ type });
  const { names, thinkingNames, notifyTyping } = useTyping();
  const { status, error } = useConnectionStatus();
  const report = useCallback((e: unknown) => onSendError?.(e), [onSendError]);
  const onSend = useCallback(
    (draft: ComposerDraft) => {
      notifyTyping(false);
      const send = async () => broadcast(type, { text: draft.text }, draft.file ? await toAttachment(draft.file) : undefined);
      send().catch(report);
    },
    [broadcast, notifyTyping, report, type],
  );
  const onRetryMessage = useCallback((message: ChatMessage) => void retry(message.id).catch(report), [retry, report]);
  const onTyping = useCallback(() => notifyTyping(), [notifyTyping]);
  return (
    <Chat
      {...props}
      messages={messages}
      onSend={onSend}
      onTyping={onTyping}
      onRetryMessage={onRetryMessage}
      typingNames={names}
      thinkingNames={thinkingNames}
      status={status}
      error={error}
    />
  );
}
