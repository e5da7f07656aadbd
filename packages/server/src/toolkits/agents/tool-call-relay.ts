import { randomUUID } from 'node:crypto';
import {
  ConveneError,
  contentFromWire,
  contentToWire,
  errorContent,
  jsonWithinDepth,
  pack,
  toolCallMessageType,
  unpackContent,
  unpackObject,
  type Content,
} from '@convene/protocol';
import type { Participant } from '../../participant.js';
import type { ToolCallStream } from '../../tool-call-stream.js';
import type { HostedToolkit } from './hosted-toolkits.js';

/**
 * Relays a call to the participant hosting a toolkit (PROTOCOL.md §5.5): the host gets
 * `room.tool_call.<toolkit>` under a fresh server id and answers `room.tool_call_response` with
 * that id; its Content goes back unchanged as the caller's response. Calls still waiting when the
 * host leaves fail with a `disconnected` error, so no caller waits forever.
 */
export class ToolCallRelay {
  /** Per host: server message id → the caller waiting for it. */
  readonly #pending = new Map<Participant, Map<number, (content: Content) => void>>();
  /** Per host: the host-side call id of a streamed call → the caller's stream. */
  readonly #streams = new Map<Participant, Map<string, RelayedStream>>();

  forward(toolkit: HostedToolkit, tool: string, input: Content, caller: Participant, toolCallId: string | undefined): Promise<Content> {
    const host = toolkit.host;
    if (!Object.hasOwn(toolkit.tools, tool)) {
      return Promise.resolve(errorContent('not_found', `unknown tool "${tool}" in toolkit "${toolkit.name}"`));
    }
    if (tooDeep(input)) return Promise.resolve(errorContent('bad_request', `tool arguments may nest at most ${MAX_RELAYED_DEPTH} levels`));
    const { header, payload } = contentToWire(input);
    const request: Record<string, unknown> = { name: tool, arguments: header, caller_id: caller.id };
    if (toolCallId !== undefined) request['tool_call_id'] = toolCallId;
    return new Promise((resolve) => {
      const id = host.connection.sendWithId(toolCallMessageType(toolkit.name), pack(request, payload));
      let calls = this.#pending.get(host);
      if (!calls) this.#pending.set(host, (calls = new Map()));
      calls.set(id, resolve);
    });
  }

  /**
   * A streamed call (Convene extension): the host gets `room.tool_call.<toolkit>` with
   * `stream: true` and a server-chosen `tool_call_id`, and answers with
   * `room.tool_call_response_chunk` messages ending in `control close`; each chunk is passed on to
   * the caller's stream. Resolves when the host closes; rejects if it leaves first.
   */
  forwardStream(toolkit: HostedToolkit, tool: string, caller: Participant, stream: ToolCallStream): Promise<void> {
    const host = toolkit.host;
    if (!Object.hasOwn(toolkit.tools, tool)) {
      return Promise.reject(new ConveneError('not_found', `unknown tool "${tool}" in toolkit "${toolkit.name}"`));
    }
    const hostCallId = randomUUID();
    const request = { name: tool, arguments: { type: 'control', method: 'open' }, caller_id: caller.id, tool_call_id: hostCallId, stream: true };
    return new Promise((resolve, reject) => {
      let streams = this.#streams.get(host);
      if (!streams) this.#streams.set(host, (streams = new Map()));
      streams.set(hostCallId, { stream, resolve, reject });
      host.connection.send(toolCallMessageType(toolkit.name), pack(request));
    });
  }

  /** A host's `room.tool_call_response_chunk` for a streamed call arrived. */
  respondChunk(host: Participant, data: Uint8Array): void {
    let hostCallId: unknown;
    let content: Content;
    try {
      const { header, payload } = unpackObject(data);
      hostCallId = header['tool_call_id'];
      content = contentFromWire(header['chunk'], payload);
    } catch {
      return; // A host that garbles its own chunks only harms its own call; nothing to answer.
    }
    const streams = this.#streams.get(host);
    const relayed = typeof hostCallId === 'string' ? streams?.get(hostCallId) : undefined;
    if (!streams || !relayed) return;
    if (content.type === 'control' && content.method === 'close') {
      streams.delete(hostCallId as string);
      relayed.resolve();
      return;
    }
    relayed.stream.send(tooDeep(content) ? hostResultTooDeep() : content);
  }

  /** A host's `room.tool_call_response` arrived. Unknown ids are ignored (late or forged). */
  respond(host: Participant, id: number, data: Uint8Array): void {
    const calls = this.#pending.get(host);
    const resolve = calls?.get(id);
    if (!calls || !resolve) return;
    calls.delete(id);
    let content: Content;
    try {
      content = unpackContent(data);
    } catch (error) {
      content = errorContent('bad_request', `the host sent an unreadable result: ${(error as Error).message}`);
    }
    resolve(tooDeep(content) ? hostResultTooDeep() : content);
  }

  /** The host left: everyone waiting on it gets a typed error. */
  hostLeft(host: Participant): void {
    const calls = this.#pending.get(host);
    this.#pending.delete(host);
    for (const resolve of calls?.values() ?? []) {
      resolve(errorContent('disconnected', HOST_LEFT));
    }
    const streams = this.#streams.get(host);
    this.#streams.delete(host);
    for (const relayed of streams?.values() ?? []) relayed.reject(new ConveneError('disconnected', HOST_LEFT));
  }
}

const HOST_LEFT = 'the participant hosting this toolkit left before answering';

/**
 * Nesting allowed in relayed JSON. A host's result nested thousands of levels deep overflowed the
 * stack when it was re-encoded for the caller: the answer was lost and the rejection went
 * unhandled, which stops a Node process (found by the fuzz). Arguments are checked the same way.
 */
const MAX_RELAYED_DEPTH = 256;

function tooDeep(content: Content): boolean {
  const json = content.type === 'json' ? content.json : content.type === 'binary' ? content.headers : undefined;
  return json !== undefined && !jsonWithinDepth(json, MAX_RELAYED_DEPTH);
}

function hostResultTooDeep(): Content {
  return errorContent('bad_request', `the host sent a result nested more than ${MAX_RELAYED_DEPTH} levels deep`);
}

interface RelayedStream {
  stream: ToolCallStream;
  resolve(): void;
  reject(error: ConveneError): void;
}
