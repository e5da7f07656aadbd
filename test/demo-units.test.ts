import { describe, expect, it, vi } from 'vitest';
import { addressedTo } from '../packages/demo/src/agent/chat-addressing.js';
import { summarizeText } from '../packages/demo/src/agent/notes-summary.js';
import { pacedWords } from '../packages/demo/src/agent/paced-words.js';
import type { HelperTools, ReplyRequest } from '../packages/demo/src/agent/reply-model.js';
import { streamReply } from '../packages/demo/src/agent/reply-streamer.js';
import { HELP_TEXT, RuleBasedReplyModel } from '../packages/demo/src/agent/rule-based-model.js';
import { storageFileName } from '../packages/demo/src/app/storage-file-name.js';
import { diffText, transformIndex, type TextChange } from '../packages/demo/src/app/text-diff.js';

// Pure pieces of the demo: the notes' text diff, and the Helper's parsing and streaming.

const apply = (text: string, change: TextChange | null) =>
  change ? text.slice(0, change.index) + change.insert + text.slice(change.index + change.deleteCount) : text;

describe('diffText', () => {
  it.each([
    ['', 'abc', undefined, { index: 0, deleteCount: 0, insert: 'abc' }],
    ['hello world', 'hello brave world', 12, { index: 6, deleteCount: 0, insert: 'brave ' }],
    ['hello world', 'hello', 5, { index: 5, deleteCount: 6, insert: '' }],
    ['abcdef', 'abXYef', 4, { index: 2, deleteCount: 2, insert: 'XY' }],
    // Repeated text: the caret says where the user typed.
    ['aaa', 'aaaa', 2, { index: 1, deleteCount: 0, insert: 'a' }],
    ['aaa', 'aa', 1, { index: 1, deleteCount: 1, insert: '' }],
  ])('%j → %j (caret %s) is one minimal replacement', (before, after, caret, expected) => {
    const change = diffText(before, after, caret);
    expect(change).toEqual(expected);
    expect(apply(before, change)).toBe(after);
  });

  it('is null without a change, and never splits a surrogate pair', () => {
    expect(diffText('same', 'same')).toBeNull();
    const change = diffText('a😀b', 'a😃b')!;
    expect(change).toEqual({ index: 1, deleteCount: 2, insert: '😃' });
    const suffix = diffText('x😀', 'y😀')!;
    expect(apply('x😀', suffix)).toBe('y😀');
  });

  it('round-trips random edits', () => {
    const alphabet = 'ab \n😀';
    const pick = (n: number) => Array.from({ length: n }, () => [...alphabet][Math.floor(Math.random() * 5)]).join('');
    for (let i = 0; i < 500; i++) {
      const before = pick(Math.floor(Math.random() * 8));
      const after = pick(Math.floor(Math.random() * 8));
      expect(apply(before, diffText(before, after, Math.floor(Math.random() * (after.length + 1))))).toBe(after);
    }
  });
});

describe('transformIndex (the caret after a remote edit)', () => {
  const change: TextChange = { index: 5, deleteCount: 2, insert: 'XYZ' };
  it('stays before the edit, shifts after it, and moves to the end of a replaced range', () => {
    expect(transformIndex(3, change)).toBe(3);
    expect(transformIndex(5, change)).toBe(5);
    expect(transformIndex(6, change)).toBe(8);
    expect(transformIndex(7, change)).toBe(8);
    expect(transformIndex(10, change)).toBe(11);
  });
});

describe('addressedTo', () => {
  it.each([
    ['@helper add todo milk', 'add todo milk'],
    ['@Helper, add todo milk', 'add todo milk'],
    ['hey @HELPER: summarize please', 'hey summarize please'],
    ['add todo eggs @helper', 'add todo eggs'],
    ['@helper', ''],
  ])('answers %j as %j', (text, expected) => {
    expect(addressedTo({ text }, 'Helper')).toEqual({ text: expected, direct: false });
  });

  it.each(['hello all', 'me@helper.org', '@helpers', '@helper-bot hi', '@@helper'])('ignores %j', (text) => {
    expect(addressedTo({ text }, 'Helper')).toBeNull();
  });

  it('takes direct messages without a mention, never streamed replies, and needs text', () => {
    expect(addressedTo({ text: 'help', direct: true }, 'Helper')).toEqual({ text: 'help', direct: true });
    expect(addressedTo({ text: '@helper help', stream: { id: 'x', done: false } }, 'Helper')).toBeNull();
    expect(addressedTo({ body: '@helper' }, 'Helper')).toBeNull();
    expect(addressedTo({ text: '@bot.v2 hi' }, 'bot.v2')).toEqual({ text: 'hi', direct: false });
  });
});

describe('summarizeText', () => {
  it('counts words and non-blank lines and quotes the first line', () => {
    expect(summarizeText('  Groceries \n\n milk, eggs\n')).toEqual({
      words: 3,
      lines: 2,
      firstLine: 'Groceries',
      summary: 'The notes have 3 words on 2 lines. They start with “Groceries”.',
    });
    expect(summarizeText(' \n ').summary).toBe('The notes are empty.');
    expect(summarizeText('one').summary).toBe('The notes have 1 word on 1 line. They start with “one”.');
    expect([...summarizeText('x'.repeat(200)).firstLine]).toHaveLength(80);
  });
});

describe('pacedWords and streamReply', () => {
  it('yields a few words at a time and loses no whitespace', async () => {
    const pieces: string[] = [];
    for await (const piece of pacedWords(' one two  three\nfour five ', { wordsPerPiece: 2, delayMs: 0 })) pieces.push(piece);
    expect(pieces).toEqual([' one ', 'two  three\n', 'four five ']);
  });

  it('sends the growing text, coalescing fast pieces, and always ends with done', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const sent: [string, boolean][] = [];
      async function* fast() {
        for (const piece of ['a', 'b', 'c']) {
          yield piece;
          vi.setSystemTime(Date.now() + 20); // pieces 20 ms apart; updates at most every 50 ms
        }
        vi.setSystemTime(Date.now() + 100);
        yield 'd';
      }
      await streamReply(fast(), async (text, done) => void sent.push([text, done]), { minIntervalMs: 50 });
      expect(sent).toEqual([['a', false], ['abcd', false], ['abcd', true]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends a failing source with an apology marked done', async () => {
    const sent: [string, boolean][] = [];
    async function* broken() {
      yield 'Half ';
      throw new Error('model unavailable');
    }
    await streamReply(broken(), async (text, done) => void sent.push([text, done]));
    expect(sent.at(-1)).toEqual(['Half \n\n(Sorry, something went wrong: model unavailable)', true]);
  });
});

describe('RuleBasedReplyModel', () => {
  const tools = (): HelperTools & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      addTodo: async (title, by) => (calls.push(`add ${title} by ${by}`), { title }),
      summarizeNotes: async () => summarizeText('Hello there'),
      enqueueJob: async (kind, by) => (calls.push(`job ${kind} by ${by}`), { queue: 'jobs', kind }),
    };
  };
  const ask = async (text: string, t = tools()) => {
    const request: ReplyRequest = { text, from: { id: 'p1', name: 'Alice' }, tools: t, signal: new AbortController().signal };
    let out = '';
    for await (const piece of new RuleBasedReplyModel({ delayMs: 0 }).reply(request)) out += piece;
    return out;
  };

  it('adds to-dos, summarizes, queues jobs and helps', async () => {
    const t = tools();
    expect(await ask('add todo buy milk', t)).toBe('Done! I added “buy milk” to the to-do list.');
    expect(await ask('Please add a to-do: call Bob', t)).toBe('Done! I added “call Bob” to the to-do list.');
    expect(await ask('queue job report', t)).toBe('Queued a “report” job on the “jobs” queue.');
    expect(t.calls).toEqual(['add buy milk by Alice via Helper', 'add call Bob by Alice via Helper', 'job report by Alice']);
    expect(await ask('summarize')).toBe('The notes have 2 words on 1 line. They start with “Hello there”.');
    expect(await ask('help')).toBe(HELP_TEXT);
    expect(await ask('')).toBe(HELP_TEXT);
  });

  it('asks for a title, greets, and answers anything else politely', async () => {
    expect(await ask('add todo')).toMatch(/^What should the to-do say, Alice\?/);
    expect(await ask('hello')).toBe('Hello, Alice! Say “@helper help” to see what I can do.');
    expect(await ask('what is the meaning of life')).toMatch(/^Thanks, Alice\. I am a simple rule-based helper/);
  });

  it('turns a failing tool into an answer', async () => {
    const t = { ...tools(), addTodo: async () => Promise.reject(new Error('database down')) };
    expect(await ask('add todo x', t)).toBe('Sorry, I could not add that to-do: database down');
  });
});

describe('storageFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['a/b\\c.txt', 'a_b_c.txt'],
    [' spaced name. ', 'spaced name'],
    ['...', 'file'],
    ['tab\there', 'tab_here'],
  ])('%j → %j', (name, expected) => expect(storageFileName(name)).toBe(expected));
});
