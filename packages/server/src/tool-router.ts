import {
  ConveneError,
  ProtocolError,
  apiAllows,
  contentFromWire,
  errorContent,
  isPlainObject,
  type Content,
} from '@convene/protocol';
import type { Logger } from './logger.js';
import type { Participant } from './participant.js';
import type { Room } from './room.js';
import { ToolCallStream } from './tool-call-stream.js';
import type { StreamingTool, ToolContext, Toolkit } from './toolkit.js';

/** One built-in toolkit as {@link ToolRouter.catalog} describes it. */
export interface ToolkitCatalogEntry {
  toolkit: string;
  /** The key of the token's `api` grant that enables it. */
  api: string;
  /** Sorted by name; `streaming` tools are called with `control open` and answer on a stream. */
  tools: { name: string; streaming: boolean }[];
}

const MAX_TOOL_CALL_ID = 128;
const MAX_OPEN_STREAMS = 256;
const OPEN: Content = Object.freeze({ type: 'control', method: 'open' }) as Content;

/**
 * The one `room.invoke_tool` router: finds the toolkit and tool, checks the participant's `api`
 * grant, runs the handler, and always answers with a Content, never a dropped request.
 */
export class ToolRouter {
  readonly #toolkits = new Map<string, Toolkit>();

  constructor(private readonly logger: Logger) {}

  register(toolkit: Toolkit): void {
    if (this.#toolkits.has(toolkit.name)) throw new Error(`toolkit "${toolkit.name}" is already registered`);
    this.#toolkits.set(toolkit.name, toolkit);
  }

  has(name: string): boolean {
    return this.#toolkits.has(name);
  }

  /**
   * Every built-in toolkit with the `api` grant key that gates it and its tool names, so tests
   * (the authorization matrix) and operators can see exactly what a server offers.
   */
  catalog(): ToolkitCatalogEntry[] {
    return [...this.#toolkits.values()].map((toolkit) => ({
      toolkit: toolkit.name,
      api: toolkit.api,
      tools: Object.keys(toolkit.tools)
        .sort()
        .map((name) => ({ name, streaming: 'stream' in toolkit.tools[name]! })),
    }));
  }

  /** A toolkit that is not built in may be hosted by a participant (an agent). */
  #routeToHost(room: Room, caller: Participant, header: Record<string, unknown>, input: Content, payload: Uint8Array, toolkit: string, tool: string): Content | Promise<Content> {
    const options: { participantId?: string; toolCallId?: string } = {};
    if (typeof header['participant_id'] === 'string') options.participantId = header['participant_id'];
    if (typeof header['tool_call_id'] === 'string') options.toolCallId = header['tool_call_id'];
    const unknown = () => errorContent('not_found', `unknown toolkit "${toolkit}"`);
    if (input.type === 'control' && input.method === 'open') {
      const routed = room.agents.routeStream(caller, toolkit, tool, options.participantId);
      if (routed === undefined) return unknown();
      if (!('stream' in routed)) return routed;
      const context = { room, participant: caller, toolCallId: options.toolCallId, payload };
      return this.#openStream(context, routed, input, `${toolkit}.${tool}`);
    }
    return room.agents.route(caller, toolkit, tool, input, options) ?? unknown();
  }

  /** Answers synchronously when the handler is synchronous, so pipelined requests keep their order cheaply. */
  invoke(room: Room, participant: Participant, header: Record<string, unknown>, payload: Uint8Array): Content | Promise<Content> {
    const { toolkit: toolkitName, tool: toolName } = header;
    if (typeof toolkitName !== 'string' || typeof toolName !== 'string') {
      return errorContent('bad_request', 'room.invoke_tool needs string "toolkit" and "tool"');
    }
    let input: Content;
    try {
      if (!isPlainObject(header['arguments'])) throw new ProtocolError('"arguments" must be a Content header');
      input = contentFromWire(header['arguments'], payload);
    } catch (error) {
      return errorContent('bad_request', error instanceof Error ? error.message : 'bad arguments');
    }
    const toolkit = this.#toolkits.get(toolkitName);
    if (!toolkit) return this.#routeToHost(room, participant, header, input, payload, toolkitName, toolName);
    const tool = Object.hasOwn(toolkit.tools, toolName) ? toolkit.tools[toolName] : undefined;
    if (!tool) return errorContent('not_found', `unknown tool "${toolName}" in toolkit "${toolkitName}"`);
    const api = participant.claims.api;
    if (!apiAllows(api, toolkit.api) || (tool.allowed && !tool.allowed(api!))) {
      return errorContent('permission_denied', `the token does not grant ${toolkitName}.${toolName}`);
    }
    const toolCallId = typeof header['tool_call_id'] === 'string' ? header['tool_call_id'] : undefined;
    const fail = (error: unknown): Content => {
      if (error instanceof ConveneError) return errorContent(error.code, error.message);
      this.logger.error('tool handler failed', { toolkit: toolkitName, tool: toolName, error: String(error) });
      return errorContent('internal', `${toolkitName}.${toolName} failed`);
    };
    const context = { room, participant, toolCallId, payload };
    if ('stream' in tool) return this.#openStream(context, tool, input, `${toolkitName}.${toolName}`);
    try {
      const result = tool.handle(context, input);
      return result instanceof Promise ? result.catch(fail) : result;
    } catch (error) {
      return fail(error);
    }
  }

  /** Starts a streaming tool: answers `control open` now; the tool runs on its stream. */
  #openStream(context: ToolContext, tool: StreamingTool, input: Content, name: string): Content {
    const { participant, toolCallId } = context;
    if (input.type !== 'control' || input.method !== 'open') {
      return errorContent('bad_request', `${name} is a streaming tool: call it with a control open input`);
    }
    if (toolCallId === undefined || toolCallId.length === 0 || toolCallId.length > MAX_TOOL_CALL_ID) {
      return errorContent('bad_request', `${name} needs a "tool_call_id" of 1 to ${MAX_TOOL_CALL_ID} characters`);
    }
    if (participant.streams.has(toolCallId)) return errorContent('bad_request', `tool call "${toolCallId}" is already open`);
    if (participant.streams.size >= MAX_OPEN_STREAMS) {
      return errorContent('rate_limited', `at most ${MAX_OPEN_STREAMS} streaming tool calls may be open at once`);
    }
    const stream = new ToolCallStream(participant.connection, toolCallId);
    participant.streams.set(toolCallId, stream);
    // Starting on a microtask lets the `control open` answer go out before the first chunk.
    void Promise.resolve()
      .then(() => tool.stream(context, stream))
      .then(
        () => stream.close(),
        (error: unknown) => {
          if (error instanceof ConveneError) return stream.fail(error.code, error.message);
          this.logger.error('streaming tool failed', { tool: name, error: String(error) });
          stream.fail('internal', `${name} failed`);
        },
      )
      .finally(() => participant.forgetStreamIfDone(stream));
    return OPEN;
  }
}
