import { forwardRef, type HTMLAttributes } from 'react';
import { typingText } from './typing-text.js';

export interface TypingIndicatorProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** Display names of the people typing now, in the order to mention them. */
  names: readonly string[];
  /** Builds the sentence; override it to translate. Defaults to English ("Alice is typing…"). */
  formatText?: (names: readonly string[]) => string;
}

/**
 * "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 3 others are typing…".
 * With nobody typing it shows nothing but stays in the DOM: a live region has to exist before
 * its text changes for screen readers to announce the change.
 *
 * State for styling: `data-state="idle" | "typing"`.
 *
 * @example
 * <TypingIndicator names={typing.map((p) => p.name ?? 'Someone')} />
 */
export const TypingIndicator = forwardRef<HTMLDivElement, TypingIndicatorProps>(function TypingIndicator(
  { names, formatText = typingText, className, ...rest },
  ref,
) {
  const typing = names.length > 0;
  return (
    <div
      ref={ref}
      role="status"
      aria-live="polite"
      data-state={typing ? 'typing' : 'idle'}
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
          <span className="cv-typing-indicator-text">{formatText(names)}</span>
        </>
      ) : null}
    </div>
  );
});
