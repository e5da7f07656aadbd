import { measureElement, observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import {
  forwardRef,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ForwardedRef,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import type { ChatMessage } from '../types.js';
import { Message } from './message.js';

export interface MessageListProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** In display order, oldest first. Only the rows in view are in the DOM. */
  messages: readonly ChatMessage[];
  /** The log's accessible name. */
  label?: string;
  /** Shown when there are no messages (and not loading). */
  emptyText?: ReactNode;
  /** History is on its way: shows `loadingText` instead of `emptyText` and marks the log busy. */
  loading?: boolean;
  loadingText?: ReactNode;
  /** Offered on failed messages as a "Retry" button. */
  onRetry?: (message: ChatMessage) => void;
  formatTime?: (time: number) => string;
  /** Replaces the default `<Message>` for a row. */
  renderMessage?: (message: ChatMessage, index: number) => ReactNode;
  /** Estimated row height in px before a row is measured. */
  estimateSize?: number;
  /** How close to the bottom (px) still counts as "at the bottom" for auto-scrolling. */
  bottomThreshold?: number;
}

/**
 * Until the browser reports a size (and on the server, or in jsdom, where it never does) the list
 * renders as if it were this big: a screenful of the latest rows.
 */
const INITIAL_RECT = { width: 640, height: 480 };

/**
 * A virtualized chat log. It follows new messages while the reader is at the bottom; once they
 * scroll up it stays put and offers a "N new messages" button instead. Our own new message always
 * brings the view to the bottom.
 *
 * `ref` is the scrolling `role="log"` element; other props go on the outer wrapper.
 * State for styling: `data-empty`, `data-at-bottom` on the wrapper.
 *
 * @example
 * <MessageList messages={messages} onRetry={(m) => resend(m)} />
 */
export const MessageList = forwardRef<HTMLDivElement, MessageListProps>(function MessageList(
  {
    messages,
    label = 'Messages',
    emptyText = 'No messages yet',
    loading = false,
    loadingText = 'Loading messages…',
    onRetry,
    formatTime,
    renderMessage,
    estimateSize = 72,
    bottomThreshold = 48,
    className,
    ...rest
  },
  ref,
) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const setScrollRef = useCallback((node: HTMLDivElement | null) => {
    scrollRef.current = node;
    assignRef(ref, node);
  }, [ref]);

  const count = messages.length;
  const getItemKey = useCallback((index: number) => messages[index]?.id ?? index, [messages]);
  const estimate = useCallback(() => estimateSize, [estimateSize]);
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: estimate,
    getItemKey,
    overscan: 6,
    initialRect: INITIAL_RECT,
    // A 0×0 viewport has no layout at all (jsdom, or a hidden pane): keep rendering a screenful
    // rather than nothing, so content is there for tests, find-in-page and the moment it shows.
    observeElementRect: (instance, callback) =>
      observeElementRect(instance, (rect) => callback(rect.width === 0 && rect.height === 0 ? INITIAL_RECT : rect)),
    initialOffset: () => Math.max(0, count * estimateSize - INITIAL_RECT.height),
    // Keeps the reader's row in place when rows above it are measured or prepended, and keeps
    // the bottom pinned while rows at the bottom grow.
    anchorTo: 'end',
    scrollEndThreshold: bottomThreshold,
    // A row never really measures 0 px; 0 means there is no layout (jsdom, display: none), and
    // taking it would pull every row into the window.
    measureElement: (element, entry, instance) => {
      const size = measureElement(element, entry, instance);
      return size > 0 ? size : estimateSize;
    },
    // React 19 warns about flushSync inside lifecycle methods; a frame of lag is invisible here.
    useFlushSync: false,
  });

  const { atBottom, unread, jumpToLatest } = useStickToBottom(scrollRef, virtualizer, messages, bottomThreshold);

  const items = virtualizer.getVirtualItems();
  const empty = count === 0;
  return (
    <div
      className={className ? `cv-message-list ${className}` : 'cv-message-list'}
      data-empty={empty ? '' : undefined}
      data-at-bottom={atBottom ? '' : undefined}
      {...rest}
    >
      <div
        ref={setScrollRef}
        className="cv-message-list-viewport"
        role="log"
        aria-label={label}
        aria-live="polite"
        aria-busy={loading || undefined}
        // Focusable so keyboard users can scroll the history with arrows and Page Up/Down.
        tabIndex={0}
      >
        {empty ? (
          <p className="cv-message-list-empty" data-loading={loading ? '' : undefined}>
            {loading ? loadingText : emptyText}
          </p>
        ) : (
          <div className="cv-message-list-sizer" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const message = messages[item.index]!;
              return (
                <div
                  key={item.key as string}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  className="cv-message-list-row"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {renderMessage ? (
                    renderMessage(message, item.index)
                  ) : (
                    <Message
                      message={message}
                      onRetry={onRetry}
                      formatTime={formatTime}
                      // Only a window is in the DOM; tell assistive technology where it sits.
                      aria-posinset={item.index + 1}
                      aria-setsize={count}
                    />
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {!atBottom && !empty ? (
        <button type="button" className="cv-message-list-jump" data-unread={unread} onClick={jumpToLatest}>
          {unread > 0 ? `${unread} new ${unread === 1 ? 'message' : 'messages'}` : 'Jump to latest'}
          <span aria-hidden="true" className="cv-message-list-jump-icon">
            ↓
          </span>
        </button>
      ) : null}
    </div>
  );
});

/**
 * "At the bottom" is read from the element on every scroll, before new content arrives, so a
 * message that lands while the reader is scrolled up never yanks them down.
 */
function useStickToBottom(
  scrollRef: { readonly current: HTMLDivElement | null },
  virtualizer: Virtualizer<HTMLDivElement, HTMLDivElement>,
  messages: readonly ChatMessage[],
  threshold: number,
) {
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottomState] = useState(true);
  const [unread, setUnread] = useState(0);
  const setAtBottom = useCallback((value: boolean) => {
    atBottomRef.current = value;
    setAtBottomState(value);
    if (value) setUnread(0);
  }, []);

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const onScroll = () => {
      const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
      const value = distance <= threshold;
      if (value !== atBottomRef.current) setAtBottom(value);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, [scrollRef, threshold, setAtBottom]);

  const lastId = messages.at(-1)?.id;
  const previousLastId = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const previous = previousLastId.current;
    previousLastId.current = lastId;
    if (lastId === undefined || lastId === previous) return;
    const last = messages.at(-1)!;
    if (atBottomRef.current || last.local) {
      virtualizer.scrollToEnd();
      if (!atBottomRef.current) setAtBottom(true);
      return;
    }
    setUnread((n) => n + countAfter(messages, previous));
    // `messages` changes identity on every update; the last id is what says something arrived.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastId]);

  const jumpToLatest = useCallback(() => {
    virtualizer.scrollToEnd();
    setAtBottom(true);
    // The button disappears under the pointer or the keyboard focus; keep focus in the log.
    scrollRef.current?.focus({ preventScroll: true });
  }, [virtualizer, setAtBottom, scrollRef]);

  return { atBottom, unread, jumpToLatest };
}

/** How many messages follow the one with `id` (all of them if it is gone). */
function countAfter(messages: readonly ChatMessage[], id: string | undefined): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.id === id) return messages.length - 1 - i;
  }
  return messages.length;
}

function assignRef<T>(ref: ForwardedRef<T>, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) ref.current = value;
}
