import {
  contentToWire,
  errorContent,
  pack,
  toolCallMessageType,
  unpackContent,
  type Content,
} from '@convene/protocol';
import type { Participant } from '../../participant.js';
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

  forward(toolkit: HostedToolkit, tool: string, input: Content, caller: Participant, toolCallId: string | undefined): Promise<Content> {
    const host = toolkit.host;
    if (!Object.hasOwn(toolkit.tools, tool)) {
      return Promise.resolve(errorContent('not_found', `unknown tool "${tool}" in toolkit "${toolkit.name}"`));
    }
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
    resolve(content);
  }

  /** The host left: everyone waiting on it gets a typed error. */
  hostLeft(host: Participant): void {
    const calls = this.#pending.get(host);
    this.#pending.delete(host);
    for (const resolve of calls?.values() ?? []) {
      resolve(errorContent('disconnected', `the participant hosting this toolkit left before answering`));
    }
  }
}
