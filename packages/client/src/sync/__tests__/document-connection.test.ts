import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConnectionError, EMPTY_CONTENT, contentFromWire, decodeBase64, encodeBase64, errorContent, packContent, unpackObject, type Content, type ConveneError, type ErrorCode } from '@convene/protocol';
import { RequestTracker } from '../../request-tracker.js';
import { ToolCallStream } from '../../tool-call-stream.js';
import { ACK_EVERY, DocumentConnection, RETRY_FIRST_MS } from '../document-connection.js';
import { ChildProperty, ElementType, ValueProperty } from '../element-type.js';
import { MeshSchema } from '../mesh-schema.js';

const schema = new MeshSchema({
  rootTagName: 'doc',
  elements: [
    new ElementType({ tagName: 'doc', properties: [new ChildProperty({ name: 'children', childTagNames: ['item'] })] }),
    new ElementType({ tagName: 'item', properties: [new ValueProperty({ name: 'label', type: 'string' })] }),
  ],
});
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A real ToolCallStream whose request chunks are recorded and acknowledged only when the test says so. */
function scriptedStream() {
  const sent: Content[] = [];
  const acked: unknown[] = [];
  const acks: (() => void)[] = [];
  const stream = new ToolCallStream('call', (data) => {
    const { header, payload } = unpackObject(data);
    sent.push(contentFromWire(header['chunk'], payload));
    acked.push(header['ack']);
    return new Promise<Content>((resolve) => acks.push(() => resolve(EMPTY_CONTENT)));
  }, () => {});
  const ackAll = async () => {
    await new Promise((r) => setTimeout(r, 0));
    while (acks.length > 0) {
      acks.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  const state = (server: Y.Doc, vector?: Uint8Array) =>
    stream.receive({
      type: 'binary',
      headers: { kind: 'state', path: 'p.doc', schema: schema.toJson(), vector: encodeBase64(Y.encodeStateVector(server)) },
      data: encoder.encode(encodeBase64(vector ? Y.encodeStateAsUpdate(server, vector) : Y.encodeStateAsUpdate(server))),
    });
  return { stream, sent, acked, ackAll, state };
}

const updateOf = (chunk: Content): Uint8Array => decodeBase64(decoder.decode((chunk as { data: Uint8Array }).data));
const labels = (doc: Y.Doc) => (doc.get('xml', Y.XmlElement).toArray() as Y.XmlElement[]).map((e) => e.getAttribute('label')).sort();

/** Opens against scripted streams: `open` takes the first, each `resume` the next. */
async function openWith(script: ReturnType<typeof scriptedStream>, server: Y.Doc, later: ReturnType<typeof scriptedStream>[] = []) {
  const streams = [script, ...later].map((s) => s.stream);
  const opening = DocumentConnection.open({ invokeStream: async () => streams.shift()! }, { path: 'p.doc', create: true, schema, initialJson: null });
  await new Promise((r) => setTimeout(r, 0));
  script.state(server);
  await script.ackAll();
  return opening;
}

/**
 * A stream to a server that acknowledges a chunk only when asked (`chunk_acks: "optional"`), with
 * the client's real RequestTracker: a silent chunk settles when a later one is answered. The test
 * answers the chunks that asked, or fails one of them, when it says so.
 */
function optionalAckStream() {
  const tracker = new RequestTracker();
  const sent: { content: Content; ack: unknown; silent: boolean; id: number }[] = [];
  let nextId = 0;
  const stream = new ToolCallStream('call', (data, _options, silent) => {
    const { header, payload } = unpackObject(data);
    const id = nextId++;
    sent.push({ content: contentFromWire(header['chunk'], payload), ack: header['ack'], silent: silent === true, id });
    return tracker.track(id, silent);
  }, () => {});
  const tick = () => new Promise((r) => setTimeout(r, 0));
  /** The server answers every chunk that asked for it (in order), as it handles them. */
  let answered = 0;
  const answerAsked = async () => {
    await tick();
    for (; answered < sent.length; answered++) if (!sent[answered]!.silent) tracker.settle(sent[answered]!.id, packContent(EMPTY_CONTENT));
    await tick();
  };
  const state = (server: Y.Doc) =>
    stream.receive({
      type: 'binary',
      headers: { kind: 'state', path: 'p.doc', schema: schema.toJson(), vector: encodeBase64(Y.encodeStateVector(server)), chunk_acks: 'optional' },
      data: encoder.encode(encodeBase64(Y.encodeStateAsUpdate(server))),
    });
  const open = async () => {
    const opening = DocumentConnection.open({ invokeStream: async () => stream }, { path: 'p.doc', create: true, schema, initialJson: null });
    await tick();
    state(new Y.Doc());
    await answerAsked();
    return opening;
  };
  /** Makes one edit and has the room refuse its chunk with `code`; returns the refused chunk and the errors the document reports. */
  const editRefused = async (connection: DocumentConnection, label: string, code: ErrorCode) => {
    const errors: ConveneError[] = [];
    connection.document.on('error', (e) => errors.push(e));
    connection.document.root.createChildElement('item', { label });
    await tick();
    const refused = sent.at(-1)!;
    tracker.settle(refused.id, packContent(errorContent(code, 'refused')));
    return { refused, errors };
  };
  return { stream, sent, tracker, answerAsked, open, tick, editRefused };
}

describe('DocumentConnection with a server whose acknowledgements are optional', () => {
  it('asks for an acknowledgement every ACK_EVERY chunks, and whenSent asks once more to learn the rest arrived', async () => {
    const script = optionalAckStream();
    const connection = await script.open();
    const edits = ACK_EVERY * 2 + 3;
    for (let i = 0; i < edits; i++) {
      connection.document.root.createChildElement('item', { label: String(i) });
      await script.answerAsked();
    }
    const syncs = script.sent.slice(1);
    expect(syncs).toHaveLength(edits);
    // Every ACK_EVERY-th asks (no `ack` field); the others say `ack: false` and are tracked as silent.
    const asked = syncs.map((c, i) => ((i + 1) % ACK_EVERY === 0 ? undefined : false));
    expect(syncs.map((c) => c.ack)).toEqual(asked);
    expect(syncs.map((c) => c.silent)).toEqual(asked.map((a) => a === false));
    // The start chunk asked too.
    expect(script.sent[0]!.ack).toBeUndefined();

    let sent = false;
    const whenSent = connection.whenSent().then(() => void (sent = true));
    await script.tick();
    // The last three are silent and nothing after them was answered: whenSent sends an empty update that asks.
    const flush = script.sent.at(-1)!;
    expect(script.sent).toHaveLength(edits + 2);
    expect(flush.ack).toBeUndefined();
    expect(Array.from(updateOf(flush.content))).toEqual([0, 0]);
    expect(sent).toBe(false);
    await script.answerAsked();
    await whenSent;
    expect(sent).toBe(true);
    expect(script.tracker.size).toBe(0);
    const server = new Y.Doc();
    for (const chunk of script.sent.slice(1)) Y.applyUpdate(server, updateOf(chunk.content));
    expect(labels(server)).toEqual(labels(connection.document.ydoc));
    expect(labels(server)).toHaveLength(edits);
  });

  it('asks for an acknowledgement of every chunk sent while whenSent waits, so an edit made meanwhile cannot hold it forever', async () => {
    const script = optionalAckStream();
    const connection = await script.open();
    connection.document.root.createChildElement('item', { label: 'a' });
    await script.tick();
    let sent = false;
    const whenSent = connection.whenSent().then(() => void (sent = true));
    await script.tick(); // the empty update that asks is out
    connection.document.root.createChildElement('item', { label: 'b' });
    await script.tick();
    expect(script.sent.at(-1)!.silent).toBe(false);
    await script.answerAsked();
    await Promise.race([whenSent, new Promise((r) => setTimeout(r, 500))]);
    expect(sent).toBe(true);
    expect(script.tracker.size).toBe(0);
  });

  it('sends an edit the room refused for its rate again, merged with the next, and whenSent waits for it', async () => {
    const script = optionalAckStream();
    const connection = await script.open();
    const { refused, errors } = await script.editRefused(connection, 'a', 'rate_limited');
    expect(refused.silent).toBe(true);
    let sent = false;
    const whenSent = connection.whenSent().then(() => void (sent = true));
    connection.document.root.createChildElement('item', { label: 'b' }); // waits behind the refused one
    await script.answerAsked();
    const before = script.sent.length;
    await new Promise((r) => setTimeout(r, RETRY_FIRST_MS / 2));
    expect(script.sent).toHaveLength(before); // not before the delay
    expect(sent).toBe(false);
    await new Promise((r) => setTimeout(r, RETRY_FIRST_MS));
    await script.answerAsked();
    await whenSent;
    expect(sent).toBe(true);
    expect(errors).toEqual([]);
    expect(script.tracker.size).toBe(0);
    // Everything but the refused chunk, applied in the order sent, rebuilds the document.
    const server = new Y.Doc();
    for (const chunk of script.sent.slice(1)) if (chunk !== refused) Y.applyUpdate(server, updateOf(chunk.content));
    expect(labels(server)).toEqual(['a', 'b']);
    expect(server.store.pendingStructs).toBeNull();
  });

  it('reports a chunk refused for anything but its rate, sends it no more, and whenSent does not hang on it', async () => {
    const script = optionalAckStream();
    const connection = await script.open();
    const { refused, errors } = await script.editRefused(connection, 'big', 'payload_too_large');
    await script.tick();
    await connection.whenSent();
    await new Promise((r) => setTimeout(r, RETRY_FIRST_MS * 1.5));
    expect(errors.map((e) => e.code)).toEqual(['payload_too_large']);
    expect(script.sent.filter((c) => c.content.type === 'binary' && updateOf(c.content).length > 2)).toEqual([refused]);
    expect(script.tracker.size).toBe(0);
    // The edit is still in the local document for the app to act on.
    expect(labels(connection.document.ydoc)).toEqual(['big']);
  });

  it('drops a waiting retry when the connection drops: the reconnect sends it, and whenSent does not wait for the timer', async () => {
    const script = optionalAckStream();
    const connection = await script.open();
    await script.editRefused(connection, 'a', 'rate_limited');
    await script.tick();
    const whenSent = connection.whenSent();
    await script.answerAsked();
    connection.suspend();
    await whenSent;
    const before = script.sent.length;
    await new Promise((r) => setTimeout(r, RETRY_FIRST_MS * 1.5));
    expect(script.sent).toHaveLength(before);
  });
});

describe('DocumentConnection', () => {
  it('sends start first, then each transaction; merges what piles up behind an unacknowledged chunk', async () => {
    const script = scriptedStream();
    const connection = await openWith(script, new Y.Doc());
    expect(script.sent[0]).toMatchObject({ type: 'binary', headers: { kind: 'start', path: 'p.doc', create: true, vector: null, schema: schema.toJson(), schema_path: null, initial_json: null } });
    const root = connection.document.root;
    root.createChildElement('item', { label: '1' });
    await new Promise((r) => setTimeout(r, 0));
    root.createChildElement('item', { label: '2' });
    root.createChildElement('item', { label: '3' });
    root.createChildElement('item', { label: '4' });
    await script.ackAll();
    await connection.whenSent();
    const syncs = script.sent.slice(1);
    expect(syncs.map((c) => (c as { headers: unknown }).headers)).toEqual([{ kind: 'sync' }, { kind: 'sync' }]);
    // A server without `chunk_acks: "optional"` (MeshAgent's) is asked to acknowledge every chunk.
    expect(script.acked).toEqual([undefined, undefined, undefined]);
    const server = new Y.Doc();
    for (const chunk of syncs) Y.applyUpdate(server, updateOf(chunk));
    expect(labels(server)).toEqual(['1', '2', '3', '4']);
  });

  it('applies the room\'s updates without echoing them, and reports refused chunks without stopping', async () => {
    const script = scriptedStream();
    const connection = await openWith(script, new Y.Doc());
    const errors: ConveneError[] = [];
    connection.document.on('error', (e) => errors.push(e));
    const other = new Y.Doc();
    const item = new Y.XmlElement('item');
    item.setAttribute('label', 'remote');
    other.get('xml', Y.XmlElement).push([item]);
    script.stream.receive({ type: 'error', text: 'no writing here', code: 403 });
    script.stream.receive({ type: 'binary', headers: { kind: 'sync', path: 'p.doc' }, data: encoder.encode(encodeBase64(Y.encodeStateAsUpdate(other))) });
    await new Promise((r) => setTimeout(r, 0));
    expect(labels(connection.document.ydoc)).toEqual(['remote']);
    expect(script.sent).toHaveLength(1); // only `start`
    expect(errors.map((e) => e.code)).toEqual(['permission_denied']);
  });

  it('sends the edits made after a remote update, including an observer\'s answer to it in the same cleanup', async () => {
    const script = scriptedStream();
    const connection = await openWith(script, new Y.Doc());
    const ydoc = connection.document.ydoc;
    // An app that tags every remote item: its edit is a local transaction nested in the remote one's cleanup.
    ydoc.get('xml', Y.XmlElement).observe((event) => {
      if (event.transaction.local) return;
      for (const element of ydoc.get('xml', Y.XmlElement).toArray() as Y.XmlElement[]) {
        if (element.getAttribute('label') === 'remote') element.setAttribute('label', 'remote, seen');
      }
    });
    const other = new Y.Doc();
    const item = new Y.XmlElement('item');
    item.setAttribute('label', 'remote');
    other.get('xml', Y.XmlElement).push([item]);
    script.stream.receive({ type: 'binary', headers: { kind: 'sync' }, data: encoder.encode(encodeBase64(Y.encodeStateAsUpdate(other))) });
    connection.document.root.createChildElement('item', { label: 'mine' });
    await script.ackAll();
    await connection.whenSent();
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(other));
    for (const chunk of script.sent.slice(1)) Y.applyUpdate(server, updateOf(chunk));
    expect(labels(server)).toEqual(['mine', 'remote, seen']);
    // A remote update alone makes no update event to encode: nothing listens for one while it applies.
    let encoded = 0;
    ydoc.on('afterTransactionCleanup', () => void (encoded += ydoc._observers.has('update') ? 1 : 0));
    const more = new Y.XmlElement('item');
    more.setAttribute('label', 'later');
    other.get('xml', Y.XmlElement).push([more]);
    script.stream.receive({ type: 'binary', headers: { kind: 'sync' }, data: encoder.encode(encodeBase64(Y.encodeStateAsUpdate(other, Y.encodeStateVector(server)))) });
    expect(labels(ydoc)).toEqual(['later', 'mine', 'remote, seen']);
    expect(encoded).toBe(0);
  });

  it('after a reconnect, re-opens with its vector and sends exactly what the server lacks', async () => {
    const server = new Y.Doc();
    const first = scriptedStream();
    const second = scriptedStream();
    const connection = await openWith(first, server, [second]);
    connection.document.root.createChildElement('item', { label: 'synced' });
    await first.ackAll();
    Y.applyUpdate(server, updateOf(first.sent[1]!));
    first.stream.fail(new ConnectionError('disconnected', 'gone', { terminal: false }));
    connection.suspend();
    connection.document.root.createChildElement('item', { label: 'offline' });
    // Meanwhile someone else edited on the server.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(server));
    const theirs = new Y.XmlElement('item');
    theirs.setAttribute('label', 'theirs');
    peer.get('xml', Y.XmlElement).push([theirs]);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(peer));

    const resumed = connection.resume();
    await new Promise((r) => setTimeout(r, 0));
    const start = second.sent[0] as unknown as { headers: { kind: string; vector: string; schema: unknown } };
    expect(start.headers).toMatchObject({ kind: 'start', schema: schema.toJson() });
    second.state(server, decodeBase64(start.headers.vector));
    await second.ackAll();
    await resumed;
    await second.ackAll();
    await connection.whenSent();
    expect(labels(connection.document.ydoc)).toEqual(['offline', 'synced', 'theirs']);
    // One chunk with the offline edit; what the server sent is not echoed.
    expect(second.sent).toHaveLength(2);
    Y.applyUpdate(server, updateOf(second.sent[1]!));
    expect(labels(server)).toEqual(['offline', 'synced', 'theirs']);
    expect(decoder.decode(updateOf(second.sent[1]!))).not.toContain('theirs');
  });

  it('sends pending edits before control close when closed', async () => {
    const script = scriptedStream();
    const connection = await openWith(script, new Y.Doc());
    connection.document.root.createChildElement('item', { label: 'last' });
    const closing = connection.close();
    await script.ackAll();
    await new Promise((r) => setTimeout(r, 0));
    await script.ackAll();
    script.stream.receive({ type: 'control', method: 'close', statusCode: 1000 });
    await closing;
    expect(script.sent.map((c) => (c.type === 'binary' ? c.headers['kind'] : `${c.type}:${(c as { method: string }).method}`))).toEqual(['start', 'sync', 'control:close']);
  });
});
