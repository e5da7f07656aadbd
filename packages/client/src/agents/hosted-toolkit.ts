import { Validator, type Schema } from '@cfworker/json-schema';
import {
  ERROR_STATUS,
  MessageType,
  RoomError,
  isPlainObject,
  pack,
  contentToWire,
  packContent,
  toolCallMessageType,
  type Content,
} from '@convene/protocol';
import { toContent } from '../invoke-tool.js';
import type { RequestOptions } from '../request-options.js';
import type { RoomHost, ServerMessage } from '../room-host.js';
import type { HostedToolkitDefinition, ToolCallContext } from './toolkit-types.js';

export interface ToolkitRegistrar {
  request(type: string, data: Uint8Array, options?: RequestOptions): Promise<Content>;
}

/**
 * A toolkit this client hosts for the room: registers it, answers `room.tool_call.<name>` by
 * validating the input against the tool's JSON schema and running its handler, and registers
 * again after every reconnect (the server forgets a host's toolkits when it leaves).
 */
export class HostedToolkit {
  readonly name: string;
  readonly #definition: HostedToolkitDefinition;
  readonly #host: RoomHost;
  readonly #registrar: ToolkitRegistrar;
  readonly #validators = new Map<string, Validator>();
  readonly #cleanups: (() => void)[] = [];
  #id: string | null = null;
  #stopped = false;

  constructor(definition: HostedToolkitDefinition, host: RoomHost, registrar: ToolkitRegistrar) {
    this.name = definition.name;
    this.#definition = definition;
    this.#host = host;
    this.#registrar = registrar;
    for (const [tool, spec] of Object.entries(definition.tools)) {
      if (!spec.handler && !spec.stream) throw new TypeError(`tool "${tool}" of toolkit "${definition.name}" needs a handler or a stream`);
      if (spec.inputSchema) this.#validators.set(tool, new Validator(spec.inputSchema as Schema, '2020-12', false));
    }
  }

  /** The server's id for the current registration (changes after a reconnect). */
  get id(): string | null {
    return this.#id;
  }

  async start(options?: RequestOptions): Promise<void> {
    this.#cleanups.push(
      this.#host.registerHandler(toolCallMessageType(this.name), (message) => void this.#call(message)),
      this.#host.registerHooks({ sessionStarted: (session) => (session.isReconnect && !this.#stopped ? this.#register() : undefined) }),
    );
    try {
      await this.#register(options);
    } catch (error) {
      this.#cleanup();
      throw error;
    }
  }

  /** Unregisters the toolkit; calls arriving afterwards are no longer answered by this client. */
  async stop(options?: RequestOptions): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cleanup();
    const id = this.#id;
    this.#id = null;
    if (id !== null) await this.#registrar.request(MessageType.UnregisterToolkit, pack({ id }), options).catch(() => {});
  }

  async #register(options?: RequestOptions): Promise<void> {
    const { name, title, description, tools } = this.#definition;
    const described = Object.fromEntries(
      Object.entries(tools).map(([tool, spec]) => [
        tool,
        {
          title: spec.title ?? tool,
          description: spec.description ?? '',
          input_spec: { types: ['json'], stream: false, ...(spec.inputSchema ? { schema: spec.inputSchema } : {}) },
        },
      ]),
    );
    const reply = await this.#registrar.request(
      MessageType.RegisterToolkit,
      pack({ name, title: title ?? name, description: description ?? '', tools: described, public: this.#definition.public ?? false }),
      options,
    );
    if (reply.type !== 'json' || !isPlainObject(reply.json) || typeof reply.json['id'] !== 'string') {
      throw new RoomError('protocol_error', 'room.register_toolkit did not answer with an id');
    }
    this.#id = reply.json['id'];
  }

  async #call(message: ServerMessage): Promise<void> {
    const header = isPlainObject(message.header) ? message.header : {};
    if (header['stream'] === true && typeof header['tool_call_id'] === 'string') return this.#callStreamed(header, header['tool_call_id']);
    let result: Content;
    try {
      const { spec, input, context } = this.#prepare(header);
      result = spec.handler ? toResult(await spec.handler(input as never, context)) : { type: 'json', json: await collect(spec.stream!(input as never, context)) };
    } catch (error) {
      result = errorResult(error);
    }
    this.#host.reply(message.id, MessageType.ToolCallResponse, packContent(result));
  }

  /** A streamed call: every value becomes a `room.tool_call_response_chunk`, then `control close`. */
  async #callStreamed(header: Record<string, unknown>, toolCallId: string): Promise<void> {
    const send = (content: Content) => {
      const { header: chunk, payload } = contentToWire(content);
      this.#host.send(MessageType.ToolCallResponseChunk, pack({ tool_call_id: toolCallId, chunk }, payload));
    };
    try {
      const { spec, input, context } = this.#prepare(header);
      if (spec.stream) for await (const value of spec.stream(input as never, context)) send(toResult(value));
      else send(toResult(await spec.handler!(input as never, context)));
    } catch (error) {
      // MeshAgent clients read any close as success, so a failure goes first as an error chunk.
      send(errorResult(error));
    }
    send({ type: 'control', method: 'close', statusCode: 1000 });
  }

  #prepare(header: Record<string, unknown>) {
    const toolName = header['name'];
    const spec = typeof toolName === 'string' && Object.hasOwn(this.#definition.tools, toolName) ? this.#definition.tools[toolName] : undefined;
    if (!spec) throw new RoomError('not_found', `unknown tool "${String(toolName)}" in toolkit "${this.name}"`);
    const raw = header['arguments'];
    // MeshAgent hosts take json or empty Content, or a bare object, as the input; a streamed
    // call opens with `control open` and carries no input.
    const input =
      isPlainObject(raw) && raw['type'] === 'json' ? raw['json']
      : isPlainObject(raw) && (raw['type'] === 'empty' || raw['type'] === 'control') ? {}
      : raw ?? {};
    const validator = this.#validators.get(toolName as string);
    if (validator) {
      const { valid, errors } = validator.validate(input);
      if (!valid) {
        const detail = errors.map((e) => `${e.instanceLocation}: ${e.error}`).slice(0, 5).join('; ');
        throw new RoomError('bad_request', `invalid input for ${this.name}.${String(toolName)}: ${detail}`);
      }
    }
    const context: ToolCallContext = {
      callerId: typeof header['caller_id'] === 'string' ? header['caller_id'] : null,
      toolCallId: typeof header['tool_call_id'] === 'string' ? header['tool_call_id'] : null,
    };
    return { spec, input, context };
  }

  #cleanup(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }
}

function toResult(output: unknown): Content {
  if (output === undefined) return { type: 'empty' };
  return isPlainObject(output) ? toContent(output) : { type: 'json', json: output };
}

function errorResult(error: unknown): Content {
  const code = error instanceof RoomError ? ERROR_STATUS[error.code] : ERROR_STATUS.internal;
  return { type: 'error', text: error instanceof Error ? error.message : String(error), code };
}

async function collect(values: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of values) out.push(value);
  return out;
}
