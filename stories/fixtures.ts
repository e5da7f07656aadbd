/**
 * Deterministic data for stories and story tests: the same seed gives the same room, so a story
 * looks the same on every machine and in every run.
 */
import type { AttachmentInfo, ChatMessage, LocalParticipantView, ParticipantView } from '../packages/react/src/types.js';

/** 12 May 2025, 09:30 UTC: the conversation starts here. */
export const BASE_TIME = Date.UTC(2025, 4, 12, 9, 30);

const FIRST = ['Alice', 'Bob', 'Carol', 'Dmitri', 'Eve', 'Farah', 'Gus', 'Hana', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Mateo', 'Noor', 'Olu', 'Priya'];
const LAST = ['Martin', 'Chen', 'Díaz', 'Volkov', 'Adeyemi', 'Haddad', 'Lindqvist', 'Sato', 'Costa', 'Weber', 'Mensah', 'Novak', 'Rossi', 'Khan', 'Okafor', 'Iyer'];
const STATUSES = ['In a meeting', 'Reviewing the spec', 'Away', 'Focusing', 'On call'];
const AGENTS = ['Summarizer', 'Code Reviewer', 'Translator', 'Research Assistant'];

const SENTENCES = [
  'Morning! Did everyone see the new draft?',
  'I left a few comments on the second section.',
  'Can we move the sync to 3pm?',
  'Looks good to me 👍',
  'The build is green again after the fix to the reconnect backoff.',
  'I think the agent should summarize the thread before we decide.',
  'Here is the plan: ship the chat first, then documents, then the tables view. Each step gets its own review.',
  'Sure.',
  'Could someone double-check the numbers in the quarterly table? A couple of rows look duplicated to me.',
  'Thanks!',
  'Pushed. Let me know if anything looks off.',
  'We should also test what happens when the connection drops in the middle of an upload.',
];

/** mulberry32: a tiny seeded PRNG, so "random" fixtures are reproducible. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function personName(index: number): string {
  return `${FIRST[index % FIRST.length]} ${LAST[(index * 7 + Math.floor(index / FIRST.length)) % LAST.length]}`;
}

/** A remote participant shaped like the client's (frozen, `name` mirrored from the attributes). */
export function participant(index: number, overrides: Partial<{ role: string; name: string | null; status: string }> = {}): ParticipantView {
  const name = overrides.name === undefined ? personName(index) : overrides.name;
  const attributes: Record<string, unknown> = {};
  if (name !== null) attributes['name'] = name;
  if (overrides.status) attributes['status'] = overrides.status;
  return Object.freeze({ id: `participant-${index}`, role: overrides.role ?? 'user', name, attributes: Object.freeze(attributes) });
}

export function agent(index: number, status?: string): ParticipantView {
  return participant(1000 + index, { role: 'agent', name: AGENTS[index % AGENTS.length]!, ...(status ? { status } : {}) });
}

/** `count` people, every fifth with a status, and `agents` agents at the end. */
export function makeParticipants(count: number, agents = 0): ParticipantView[] {
  const people = Array.from({ length: count }, (_, i) =>
    participant(i, i % 5 === 2 ? { status: STATUSES[i % STATUSES.length]! } : {}),
  );
  return [...people, ...Array.from({ length: agents }, (_, i) => agent(i, i === 0 ? 'Listening' : undefined))];
}

export const localParticipant: LocalParticipantView = Object.freeze({
  id: 'participant-local',
  name: 'Sam Rivera',
  attributes: Object.freeze({ name: 'Sam Rivera', status: 'Writing the release notes' }),
});

let nextId = 0;

/** One message; `text` is a shortcut for `body: { text }`. */
export function message(overrides: Partial<ChatMessage> & { text?: string } = {}): ChatMessage {
  const { text, ...rest } = overrides;
  const local = rest.local ?? false;
  return Object.freeze({
    id: rest.id ?? `message-fixture-${nextId++}`,
    type: 'chat',
    body: text === undefined ? { text: 'Hello there!' } : { text },
    fromParticipantId: local ? localParticipant.id : 'participant-0',
    senderName: local ? localParticipant.name! : personName(0),
    local,
    state: local ? 'sent' : 'received',
    time: BASE_TIME,
    ...rest,
  });
}

const cache = new Map<string, ChatMessage[]>();

/** A conversation of `count` messages among a few people, about one every 40 s; ours every ~4th. */
export function makeMessages(count: number, seed = 1): ChatMessage[] {
  const key = `${count}:${seed}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const next = random(seed);
  const messages: ChatMessage[] = [];
  let time = BASE_TIME;
  for (let i = 0; i < count; i++) {
    time += Math.floor(5_000 + next() * 70_000);
    const local = next() < 0.25;
    const sender = Math.floor(next() * 5);
    const text = SENTENCES[Math.floor(next() * SENTENCES.length)]!;
    messages.push(
      Object.freeze({
        id: `message-${seed}-${i}`,
        type: 'chat',
        body: { text: count > 50 ? `${text} (#${i + 1})` : text },
        fromParticipantId: local ? localParticipant.id : `participant-${sender}`,
        senderName: local ? localParticipant.name! : personName(sender),
        local,
        state: local ? 'sent' : 'received',
        time,
      }),
    );
  }
  cache.set(key, messages);
  return messages;
}

export const LONG_TEXT = [
  'This is a long message, the kind someone pastes when they explain a decision in detail. ',
  'It goes on for several lines so the bubble has to wrap, and it contains a very long unbroken token ',
  'that must not widen the log: https://example.com/rooms/design-review/documents/2025-05-12/',
  'a-very-long-path-segment-without-any-spaces-at-all-that-keeps-going-and-going-and-going.md ',
  '\n\nIt also keeps its paragraphs.\nAnd its line breaks.',
].join('');

/** Deterministic bytes: a pattern, not randomness, so story snapshots stay stable. */
export function bytes(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31) & 0xff;
  return data;
}

export function fileAttachment(name = 'quarterly-report.pdf', size = 248_312): AttachmentInfo {
  return { name, size, mimeType: 'application/pdf', data: bytes(Math.min(size, 4096)) };
}

/** A 96×64 PNG (an orange checkerboard), small enough to inline. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAAAiElEQVR42u3ZsQkAIAwEQFu3d0SHECx1hNikiQepH3Ld822PHt5ZM7yqOQ0QIECAAAECBAgQIECAEoB+fv4lBxAgQIAAAQIECBAgQIAygJRVbR4QIECAAAECBAgQIEB2MW0eECBAgAABAgQIECBAdjFlFRAgQIAAAQIECBAgQIDsYto8IEDFci7FIqcNagLvZAAAAABJRU5ErkJggg==';

export function imageAttachment(name = 'whiteboard.png'): AttachmentInfo {
  const binary = atob(PNG_BASE64);
  const data = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return { name, size: data.byteLength, mimeType: 'image/png', data };
}

/** A `File` for the composer stories (the browser's and jsdom's File both work). */
export function sampleFile(name = 'notes.txt', text = 'Agenda: chat, presence, documents.\n'): File {
  return new File([text], name, { type: 'text/plain' });
}
