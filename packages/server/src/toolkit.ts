import type { ApiScope, Content } from '@convene/protocol';
import type { Participant } from './participant.js';
import type { ToolCallStream } from './tool-call-stream.js';
import type { Room } from './room.js';

/** What a tool handler knows about the call. */
export interface ToolContext {
  room: Room;
  participant: Participant;
  toolCallId: string | undefined;
  /** The binary tail of the request, when the input Content carries one. */
  payload: Uint8Array;
}

export interface UnaryTool {
  /** Extra grant check for this tool, after the toolkit's API check passed. */
  allowed?: (api: ApiScope) => boolean;
  handle(context: ToolContext, input: Content): Content | Promise<Content>;
}

/**
 * A streaming tool: called with `control open`, answered `control open`, then it reads request
 * chunks and writes response chunks on `stream`. When the returned promise settles the output is
 * closed (after an error chunk if it rejected).
 */
export interface StreamingTool {
  allowed?: (api: ApiScope) => boolean;
  stream(context: ToolContext, stream: ToolCallStream): Promise<void>;
}

export type ToolDefinition = UnaryTool | StreamingTool;

/**
 * A built-in toolkit: a name on the wire, the `api` grant key that gates it, and its tools.
 * The router checks the grant once, before any handler runs.
 */
export interface Toolkit {
  name: string;
  api: string;
  tools: Readonly<Record<string, ToolDefinition>>;
}
