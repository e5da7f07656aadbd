import type { NotesSummary } from './notes-summary.js';

/** What the Helper can do in the room; the same logic backs its public `helper` toolkit. */
export interface HelperTools {
  /** Inserts a row into `todos` (creating the table if needed); resolves with the cleaned title. */
  addTodo(title: string, addedBy: string): Promise<{ title: string }>;
  /** Reads the shared notes document and counts its words and lines. */
  summarizeNotes(): Promise<NotesSummary>;
  /** Puts `{ kind, requested_by, requested_at }` on the room's `jobs` queue for a worker to take. */
  enqueueJob(kind: string, requestedBy: string): Promise<{ queue: string; kind: string }>;
}

/** One chat message addressed to the Helper. */
export interface ReplyRequest {
  /** The message text, with the `@helper` mention removed. */
  text: string;
  /** Who asked. */
  from: { id: string; name: string };
  tools: HelperTools;
  /** Aborted when the agent stops: stop generating. */
  signal: AbortSignal;
}

/**
 * Where the Helper's answers come from. `reply` yields the answer in pieces as they are produced
 * (for a language model: the text deltas of a streaming completion); the agent adds them up and
 * posts the text so far to the chat every few pieces, then once more with `done: true`.
 * A thrown error ends the reply with an apology; it never reaches the room as a crash.
 *
 * @example
 * const echo: ReplyModel = { async *reply({ text }) { yield 'You said: '; yield text; } };
 */
export interface ReplyModel {
  reply(request: ReplyRequest): AsyncIterable<string>;
}
