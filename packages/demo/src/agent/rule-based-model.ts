import { cleanTodoTitle, MAX_TODO_TITLE } from '../shared/todos-table.js';
import { pacedWords } from './paced-words.js';
import type { HelperTools, ReplyModel, ReplyRequest } from './reply-model.js';

export const HELP_TEXT =
  'I can help with this room. Try: “@helper add todo buy milk” to add a to-do, ' +
  '“@helper summarize” for a summary of the notes, “@helper queue job report” to put a job on ' +
  'the room\'s “jobs” queue, or “@helper help” for this list. ' +
  'Other programs can call the same things through my public toolkit “helper”.';

const ADD_TODO = /^(?:please\s+)?add\s+(?:an?\s+)?(?:to-?do|task)\b[\s:,-]*(.*)$/is;
const ENQUEUE = /^(?:please\s+)?(?:en)?queue\s+(?:an?\s+)?(?:job\s+)?(\S+)\s*$/i;
const SUMMARIZE = /\bsummar(?:y|i[sz]e)\b/i;
const HELP = /^(?:help|\?|what can you do\??)$|\bhelp\b/i;
const GREETING = /^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b/i;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The demo's stand-in for a language model: a few fixed commands, answered through the Helper's
 * tools, streamed a few words at a time. Swap it for a real model by implementing
 * {@link ReplyModel} (see docs/AGENTS.md).
 *
 * @example
 * const model = new RuleBasedReplyModel({ delayMs: 0 });
 * for await (const piece of model.reply({ text: 'help', from, tools, signal })) process.stdout.write(piece);
 */
export class RuleBasedReplyModel implements ReplyModel {
  readonly #wordsPerPiece: number;
  readonly #delayMs: number;

  constructor({ wordsPerPiece = 3, delayMs = 70 }: { wordsPerPiece?: number; delayMs?: number } = {}) {
    this.#wordsPerPiece = wordsPerPiece;
    this.#delayMs = delayMs;
  }

  async *reply(request: ReplyRequest): AsyncGenerator<string> {
    const text = await answerFor(request.text.trim(), request.from.name, request.tools);
    yield* pacedWords(text, { wordsPerPiece: this.#wordsPerPiece, delayMs: this.#delayMs, signal: request.signal });
  }
}

/** The whole answer to one request; tool failures become part of the answer. */
async function answerFor(text: string, name: string, tools: HelperTools): Promise<string> {
  const addTodo = ADD_TODO.exec(text);
  if (addTodo) {
    const title = cleanTodoTitle(addTodo[1] ?? '');
    if (!title) return `What should the to-do say, ${name}? For example: “@helper add todo water the plants” (up to ${MAX_TODO_TITLE} characters).`;
    try {
      const added = await tools.addTodo(title, `${name} via Helper`);
      return `Done! I added “${added.title}” to the to-do list.`;
    } catch (error) {
      return `Sorry, I could not add that to-do: ${message(error)}`;
    }
  }
  const enqueue = ENQUEUE.exec(text);
  if (enqueue) {
    try {
      const job = await tools.enqueueJob(enqueue[1]!, name);
      return `Queued a “${job.kind}” job on the “${job.queue}” queue.`;
    } catch (error) {
      return `Sorry, I could not queue that job: ${message(error)}`;
    }
  }
  if (SUMMARIZE.test(text)) {
    try {
      return (await tools.summarizeNotes()).summary;
    } catch (error) {
      return `Sorry, I could not read the notes: ${message(error)}`;
    }
  }
  if (HELP.test(text) || text === '') return HELP_TEXT;
  if (GREETING.test(text)) return `Hello, ${name}! Say “@helper help” to see what I can do.`;
  return `Thanks, ${name}. I am a simple rule-based helper and did not understand that. Say “@helper help” to see what I can do.`;
}
