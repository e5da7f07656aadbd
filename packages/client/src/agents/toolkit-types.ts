
/** A tool as `listToolkits` describes it. */
export interface ToolDescription {
  name: string;
  title: string;
  description: string;
  /** JSON schema of the tool's json input, when the host published one. */
  inputSchema?: Record<string, unknown>;
}

/** A toolkit hosted by a participant (an agent, a service, a browser tab). */
export interface ToolkitDescription {
  name: string;
  title: string;
  description: string;
  /** The hosting participant. */
  participantId: string | null;
  public: boolean;
  tools: ToolDescription[];
}

/** What a hosted tool's handler learns about the call. */
export interface ToolCallContext {
  /** The participant that called the tool. */
  callerId: string | null;
  toolCallId: string | null;
}

export interface HostedToolDefinition<Input = Record<string, unknown>> {
  title?: string;
  description?: string;
  /** JSON schema the input must satisfy; checked before the tool runs. */
  inputSchema?: Record<string, unknown>;
  /**
   * Runs the tool. Return JSON (sent as `json` Content), a Content, or nothing (`empty`); a
   * thrown error goes back to the caller as an `error` Content. A tool needs `handler`, `stream`,
   * or both.
   */
  handler?(input: Input, context: ToolCallContext): unknown | Promise<unknown>;
  /**
   * Runs the tool as a stream: each yielded value (JSON or Content) reaches a caller that used
   * `invokeStream` as one chunk. A plain `invoke` of a stream-only tool gets the chunks as one
   * JSON array.
   */
  stream?(input: Input, context: ToolCallContext): AsyncIterable<unknown>;
}

export interface HostedToolkitDefinition {
  name: string;
  title?: string;
  description?: string;
  /** Public toolkits can be called by everyone in the room; private ones only by their host. */
  public?: boolean;
  tools: Record<string, HostedToolDefinition<never>>;
}

