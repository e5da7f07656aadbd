import { registerRoomExtension } from './room-extensions.js';
import { AgentsClient } from './agents-client.js';

/**
 * Agents: toolkits hosted by participants.
 * Importing this module (once, anywhere in the app) makes `room.agents` available.
 *
 * @example
 * import '@convene/client/agents';
 */
registerRoomExtension('agents', (client) => new AgentsClient(client, client));

export { AgentsClient } from './agents-client.js';
export { HostedToolkit } from './agents/hosted-toolkit.js';
export type {
  ToolkitDescription,
  ToolDescription,
  ToolCallContext,
  HostedToolDefinition,
  HostedToolkitDefinition,
} from './agents/toolkit-types.js';
