/** Resolves after `ms`, or at once when `signal` aborts; never leaves a listener behind. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Yields `text` a few words at a time, `delayMs` apart: how the rule-based model imitates a
 * language model's streaming, so the chat shows the reply growing. Joining the pieces gives
 * `text` back exactly (whitespace included).
 *
 * @example
 * for await (const piece of pacedWords('one two three four', { wordsPerPiece: 2, delayMs: 0 })) console.log(piece);
 * // 'one two ', 'three four'
 */
export async function* pacedWords(
  text: string,
  { wordsPerPiece = 3, delayMs = 70, signal }: { wordsPerPiece?: number; delayMs?: number; signal?: AbortSignal } = {},
): AsyncGenerator<string> {
  // Words with their trailing whitespace, so nothing is lost between pieces.
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  for (let i = 0; i < words.length; i += wordsPerPiece) {
    if (signal?.aborted) return;
    if (i > 0 && delayMs > 0) await sleep(delayMs, signal);
    yield words.slice(i, i + wordsPerPiece).join('');
  }
}
