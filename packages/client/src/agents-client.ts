import { pack, type Content } from '@convene/protocol';
import { HostedToolkit, type ToolkitRegistrar } from './agents/hosted-toolkit.js';
import { parseToolkits } from './agents/parse-toolkits.js';
import type { HostedToolkitDefinition, ToolkitDescription } from './agents/toolkit-types.js';
import type { InvokeRequest } from './invoke-tool.js';
import type { RequestOptions } from './request-options.js';
import type { RoomHost } from './room-host.js';

interface AgentsHost extends ToolkitRegistrar {
  invoke(request: InvokeRequest, options?: RequestOptions): Promise<Content>;
}

/**
 * `room.agents`: toolkits hosted by participants — list them, call their tools, and host your own.
 *
 * @example
 * const hosted = await room.agents.startHostedToolkit({
 *   name: 'math',
 *   public: true,
 *   tools: { add: { inputSchema: { type: 'object', required: ['a', 'b'] }, handler: ({ a, b }) => ({ sum: a + b }) } },
 * });
 * const result = await other.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 1, b: 2 } });
 */
export class AgentsClient {
  readonly #host: RoomHost;
  readonly #client: AgentsHost;

  constructor(host: RoomHost, client: AgentsHost) {
    this.#host = host;
    this.#client = client;
  }

  /** Toolkits visible to us (public ones, and our own private ones), optionally one host's. */
  async listToolkits(filter: { participantId?: string; participantName?: string } = {}, options?: RequestOptions): Promise<ToolkitDescription[]> {
    const request: Record<string, string> = {};
    if (filter.participantId !== undefined) request['participant_id'] = filter.participantId;
    if (filter.participantName !== undefined) request['participant_name'] = filter.participantName;
    return parseToolkits(await this.#client.request('room.list_toolkits', pack(request), options));
  }

  /** Calls a tool of a hosted (or built-in) toolkit; resolves with the host's result Content. */
  invokeTool(request: InvokeRequest, options?: RequestOptions): Promise<Content> {
    return this.#client.invoke(request, options);
  }

  /** Hosts a toolkit until `stop()`; re-registers it after every reconnect. */
  async startHostedToolkit(definition: HostedToolkitDefinition, options?: RequestOptions): Promise<HostedToolkit> {
    const toolkit = new HostedToolkit(definition, this.#host, this.#client);
    await toolkit.start(options);
    return toolkit;
  }
}
