import { forwardRef, type HTMLAttributes, type ReactNode } from 'react';
import type { ChatMessage, ConnectionStatusValue } from '../types.js';
import { Composer, type ComposerDraft } from './composer.js';
import { ConnectionStatus } from './connection-status.js';
import { MessageList } from './message-list.js';
import { TypingIndicator } from './typing-indicator.js';

export interface ChatProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  messages: readonly ChatMessage[];
  onSend: (draft: ComposerDraft) => void;
  onTyping?: () => void;
  onRetryMessage?: (message: ChatMessage) => void;
  /** Names of the others typing now. */
  typingNames?: readonly string[];
  /** Names of agents working on a reply ("Helper is thinking…"). */
  thinkingNames?: readonly string[];
  /** Connection status; when given, a banner shows while not connected. */
  status?: ConnectionStatusValue;
  error?: { readonly code: string; readonly message: string } | null;
  /** Offered in the "Disconnected" banner. */
  onReconnect?: () => void;
  /** Sending is off; defaults to `status === 'disconnected'`. While reconnecting sending stays on
   * (the client queues messages and delivers them after the reconnect). */
  disabled?: boolean;
  disabledReason?: string;
  loading?: boolean;
  emptyText?: ReactNode;
  formatTime?: (time: number) => string;
  /** The chat's accessible name (it is a region landmark). */
  label?: string;
  /** Show the composer's attachment button (default true). */
  attachments?: boolean;
}

/**
 * A whole chat: connection banner, message log, typing indicator and composer, all from props.
 * For a different arrangement, compose `MessageList`, `TypingIndicator`, `Composer` and
 * `ConnectionStatus` yourself; this component is only that composition.
 *
 * @example
 * <Chat messages={messages} onSend={({ text, file }) => send(text, file)} typingNames={typing} status={status} />
 */
export const Chat = forwardRef<HTMLElement, ChatProps>(function Chat(
  {
    messages,
    onSend,
    onTyping,
    onRetryMessage,
    typingNames = [],
    thinkingNames = [],
    status,
    error,
    onReconnect,
    disabled = status === 'disconnected',
    disabledReason = 'You are offline. Messages can be sent again once the connection is back.',
    loading,
    emptyText,
    formatTime,
    label = 'Chat',
    attachments,
    className,
    ...rest
  },
  ref,
) {
  return (
    <section
      ref={ref}
      aria-label={label}
      data-status={status}
      className={className ? `cv-chat ${className}` : 'cv-chat'}
      {...rest}
    >
      {status ? <ConnectionStatus status={status} error={error} onRetry={onReconnect} /> : null}
      <MessageList
        messages={messages}
        loading={loading}
        emptyText={emptyText}
        onRetry={onRetryMessage}
        formatTime={formatTime}
      />
      <TypingIndicator names={typingNames} thinkingNames={thinkingNames} />
      <Composer
        onSend={onSend}
        onTyping={onTyping}
        disabled={disabled}
        disabledReason={disabledReason}
        attachments={attachments}
      />
    </section>
  );
});
