/**
 * The sentence a typing indicator shows: up to three names in full, then "N others".
 * Empty when nobody types.
 *
 * @example
 * typingText(['Alice']); // "Alice is typing…"
 * typingText(['Alice', 'Bob', 'Carol', 'Dan', 'Eve']); // "Alice, Bob and 3 others are typing…"
 */
export function typingText(names: readonly string[]): string {
  const [a, b, c] = names;
  switch (names.length) {
    case 0:
      return '';
    case 1:
      return `${a} is typing…`;
    case 2:
      return `${a} and ${b} are typing…`;
    case 3:
      return `${a}, ${b} and ${c} are typing…`;
    default: {
      const others = names.length - 2;
      return `${a}, ${b} and ${others} others are typing…`;
    }
  }
}

/**
 * The sentence for participants (agents) working on a reply: "Helper is thinking…".
 *
 * @example
 * thinkingText(['Helper']); // "Helper is thinking…"
 */
export function thinkingText(names: readonly string[]): string {
  return typingText(names).replace(/typing…$/, 'thinking…');
}
