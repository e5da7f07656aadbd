/** Sends the text so far; `done` marks the last update of the reply. */
export type SendReply = (text: string, done: boolean) => Promise<void>;

/**
 * Posts a reply as it is generated: the pieces are added up and the whole text so far is sent
 * (so a lost update costs nothing: the next one carries everything), at most one update per
 * `minIntervalMs`, then a final one with `done: true`. If the source fails half-way, the reply
 * still ends with `done: true` and a short apology. Resolves with the final text.
 */
export async function streamReply(pieces: AsyncIterable<string>, send: SendReply, { minIntervalMs = 50 } = {}): Promise<string> {
  let text = '';
  let lastSent = 0;
  try {
    for await (const piece of pieces) {
      text += piece;
      // A fast model (a token every few ms) would flood the room; updates are coalesced instead.
      if (Date.now() - lastSent < minIntervalMs) continue;
      lastSent = Date.now();
      await send(text, false);
    }
  } catch (error) {
    text += `${text === '' ? '' : '\n\n'}(Sorry, something went wrong: ${error instanceof Error ? error.message : String(error)})`;
  }
  await send(text === '' ? '…' : text, true);
  return text;
}
