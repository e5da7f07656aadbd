import { forwardRef, type HTMLAttributes } from 'react';
import { thinkingText, typingText } from './typing-text.js';

export interface TypingIndicatorProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** Display names of the people typing now, in the order to mention them. */
  names: readonly string[];
  /** Participants (agents) working on a reply, shown as "Helper is thinking…". */
  thinkingNames?: readonly string[];
  /** Builds the sentence; override it to translate. Defaults to English ("Alice is typing…"). */
  formatText?: (names: readonly string[]) => string;
  /** Builds the thinking sentence; defaults to English ("Helper is thinking…"). */
  formatThinkingText?: (names: readonly string[]) => string;
}

/**
 * "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 3 others are typing…".
 * With nobody typing it shows nothing but stays in the DOM: a live region has to exist before
 * its text changes for screen readers to announce the change.
 *
 * State for styling: `data-state="idle" | "typing"`, `data-thinking` while an agent thinks.
 *
 * @example
 * <TypingIndicator names={typing.map((p) => p.name ?? 'Someone')} />
 */
export const TypingIndicator = forwardRef<HTMLDivElement, TypingIndicatorProps>(function TypingIndicator(
  { names, thinkingNames = [], formatText = typingText, formatThinkingText = thinkingText, className, ...rest },
  ref,
) {
  const typing = names.length > 0 || thinkingNames.length > 0;
  const text = [thinkingNames.length > 0 ? formatThinkingText(thinkingNames) : '', names.length > 0 ? formatText(names) : '']
    .filter(Boolean)
    .join(' · ');
  return (
    <div
      ref={ref}
      role="status"
      aria-live="polite"
      data-state={typing ? 'typing' : 'idle'}
      data-thinking={thinkingNames.length > 0 ? '' : undefined}
      className={className ? `cv-typing-indicator ${className}` : 'cv-typing-indicator'}
      {...rest}
    >
      {typing ? (
        <>
          <span className="cv-typing-indicator-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span className="cv-typing-indicator-text">{text}</span>
        </>
      ) : null}
    </div>
  );
});
