import {
  ConveneError,
  MessageType,
  agentsAllows,
  errorContent,
  hostedToolkitAllowed,
  hostedToolkitListed,
  isPlainObject,
  unpackObject,
  type Content,
  type WireMessage,
} from '@convene/protocol';
import type { Participant } from '../../participant.js';
import type { StreamingTool } from '../../toolkit.js';
import { HostedToolkits } from './hosted-toolkits.js';
import { ToolCallRelay } from './tool-call-relay.js';

const EMPTY: Content = { type: 'empty' };

/**
 * Agents in one room: participants register toolkits (`room.register_toolkit`), list them
 * (`room.list_toolkits`), and calls to a hosted toolkit are relayed to its host.
 */
export class RoomAgents {
  readonly toolkits = new HostedToolkits();
  readonly #relay = new ToolCallRelay();
  readonly #isBuiltIn: (name: string) => boolean;

  constructor(isBuiltIn: (name: string) => boolean) {
    this.#isBuiltIn = isBuiltIn;
  }

  /** Handles the agents' own message types; false for any other type. */
  dispatch(participant: Participant, message: WireMessage): boolean {
    switch (message.type) {
      case MessageType.ToolCallResponse:
        this.#relay.respond(participant, message.id, message.data);
        return true;
      case MessageType.ToolCallResponseChunk:
        this.#relay.respondChunk(participant, message.data);
        return true;
      case MessageType.RegisterToolkit:
      case MessageType.UnregisterToolkit:
      case MessageType.ListToolkits:
        participant.connection.respond(message.id, this.#request(participant, message));
        return true;
      default:
        return false;
    }
  }

  /** Relays a call if `toolkit` is hosted by a participant; undefined when nobody hosts it. */
  route(caller: Participant, toolkit: string, tool: string, input: Content, options: { participantId?: string; toolCallId?: string }) {
    const hosted = this.toolkits.find(toolkit, caller, options.participantId);
    if (!hosted) return undefined;
    if (!hostedToolkitAllowed(caller.claims.api, toolkit)) {
      return errorContent('permission_denied', `the token does not allow calling toolkit "${toolkit}"`);
    }
    return this.#relay.forward(hosted, tool, input, caller, options.toolCallId);
  }

  /**
   * A streamed call to a hosted toolkit: the tool to run on the caller's stream, an error, or
   * undefined when nobody hosts the toolkit.
   */
  routeStream(caller: Participant, toolkit: string, tool: string, participantId: string | undefined): StreamingTool | Content | undefined {
    const hosted = this.toolkits.find(toolkit, caller, participantId);
    if (!hosted) return undefined;
    if (!hostedToolkitAllowed(caller.claims.api, toolkit)) {
      return errorContent('permission_denied', `the token does not allow calling toolkit "${toolkit}"`);
    }
    return { stream: (_context, stream) => this.#relay.forwardStream(hosted, tool, caller, stream) };
  }

  /** A participant left: its toolkits go, and calls waiting on it fail. */
  leave(participant: Participant): void {
    this.toolkits.removeHost(participant);
    this.#relay.hostLeft(participant);
  }

  #request(participant: Participant, message: WireMessage): Content {
    try {
      const { header } = unpackObject(message.data);
      const api = participant.claims.api;
      switch (message.type) {
        case MessageType.RegisterToolkit: {
          const operation = header['public'] === true ? 'register_public_toolkit' : 'register_private_toolkit';
          if (!agentsAllows(api, operation)) return errorContent('permission_denied', `the token does not allow ${operation.replaceAll('_', ' ')}`);
          return { type: 'json', json: { id: this.toolkits.register(participant, header, this.#isBuiltIn) } };
        }
        case MessageType.UnregisterToolkit:
          this.toolkits.unregister(participant, header['id']);
          return EMPTY;
        default: {
          if (!agentsAllows(api, 'use_tools')) return errorContent('permission_denied', 'the token does not allow listing toolkits');
          const filter: { participantId?: string; participantName?: string } = {};
          if (typeof header['participant_id'] === 'string') filter.participantId = header['participant_id'];
          if (typeof header['participant_name'] === 'string') filter.participantName = header['participant_name'];
          const listing = this.toolkits.describe(participant, filter, (toolkit) => toolkit.host === participant || hostedToolkitListed(api, toolkit.name));
          return { type: 'json', json: listing };
        }
      }
    } catch (error) {
      if (error instanceof ConveneError) return errorContent(error.code, error.message);
      return errorContent('bad_request', isPlainObject(error) ? 'bad request' : String((error as Error)?.message ?? error));
    }
  }
}
