import { forwardRef, type HTMLAttributes } from 'react';
import type { ChatMessage } from '../types.js';
import { formatTime as defaultFormatTime } from './format-time.js';
import { MessageAttachment } from './message-attachment.js';

export interface MessageProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  message: ChatMessage;
  /** Shown on a failed message as a "Retry" button; without it, a failed message has no button. */
  onRetry?: (message: ChatMessage) => void;
  /** Formats `message.time` for display; defaults to the reader's locale hours and minutes. */
  formatTime?: (time: number) => string;
}

/**
 * One chat message: sender, time, text (or a compact JSON view of a body without text),
 * attachment, and the delivery state of our own messages ("Sending…", "Not sent" with Retry).
 *
 * State is exposed for styling as `data-state` (`received | pending | sent | failed`) and
 * `data-local` (present on our own messages), and `data-streaming` while an agent is still
 * writing it (body `stream: { id, done: false }`).
 *
 * @example
 * <Message message={message} onRetry={(m) => resend(m)} />
 */
export const Message = forwardRef<HTMLElement, MessageProps>(function Message(
  { message, onRetry, formatTime = defaultFormatTime, className, ...rest },
  ref,
) {
  const text = typeof message.body['text'] === 'string' ? message.body['text'] : null;
  const showJson = text === null && Object.keys(message.body).length > 0;
  const iso = new Date(message.time).toISOString();
  return (
    <article
      ref={ref}
      data-state={message.state}
      data-local={message.local ? '' : undefined}
      data-streaming={isStreaming(message) ? '' : undefined}
      data-direct={message.to !== undefined ? '' : undefined}
      className={className ? `cv-message ${className}` : 'cv-message'}
      {...rest}
    >
      <header className="cv-message-header">
        <span className="cv-message-sender">{message.senderName}</span>
        {message.to !== undefined ? <span className="cv-message-direct">direct</span> : null}
        {/* Server and browser may sit in different time zones; the browser's rendering wins. */}
        <time className="cv-message-time" dateTime={iso} title={iso} suppressHydrationWarning>
          {formatTime(message.time)}
        </time>
      </header>
      {text ? <p className="cv-message-text">{text}</p> : null}
      {showJson ? (
        <pre className="cv-message-data">
          <code>{compactJson(message.body)}</code>
        </pre>
      ) : null}
      {message.attachment ? <MessageAttachment attachment={message.attachment} /> : null}
      {message.state === 'pending' ? <p className="cv-message-status">Sending…</p> : null}
      {message.state === 'failed' ? (
        // No role="alert": a virtualized list remounts rows on scroll and would re-announce it;
        // the list's live region already reads the state change out once.
        <p className="cv-message-status">
          <span className="cv-message-error">
            {message.error ? `Not sent: ${message.error}` : 'Not sent'}
          </span>
          {onRetry ? (
            <button type="button" className="cv-message-retry" onClick={() => onRetry(message)}>
              Retry
            </button>
          ) : null}
        </p>
      ) : null}
    </article>
  );
});

function compactJson(body: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(body, (_key, value: unknown) =>
      // Binary and bigint values have no JSON form; say what they are instead of throwing.
      typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? `<${value.byteLength} bytes>` : value,
    );
  } catch {
    return '[unserializable body]';
  }
}

/** An agent's reply still being written: `body.stream = { id, done: false }`. */
function isStreaming(message: ChatMessage): boolean {
  const stream = message.body['stream'];
  return typeof stream === 'object' && stream !== null && (stream as { done?: unknown }).done === false;
}
