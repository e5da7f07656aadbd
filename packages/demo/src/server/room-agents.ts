import type { Logger } from '@convene/server';
import { DemoAgent, type DemoAgentOptions } from '../agent/demo-agent.js';

export interface RoomAgentsOptions {
  /** The room server's base URL as the agents reach it (`ws://127.0.0.1:8787`). */
  url: string;
  secret: string;
  logger: Logger;
  /** An agent leaves a room after this long alone in it (default 60 s); the next join brings it back. */
  idleTimeoutMs?: number;
  /** For tests: options every agent gets (a faster model, …). */
  agentOptions?: Partial<DemoAgentOptions>;
}

/**
 * One Helper agent per room, started lazily the first time a browser asks for a token to that
 * room. An agent alone in its room leaves after a while, so idle rooms can be released; all of
 * them leave when the demo server shuts down.
 */
export class RoomAgents {
  readonly #agents = new Map<string, DemoAgent>();
  readonly #options: RoomAgentsOptions;
  #closed = false;

  constructor(options: RoomAgentsOptions) {
    this.#options = options;
  }

  /** The running agent of a room, if any. */
  get(room: string): DemoAgent | undefined {
    return this.#agents.get(room);
  }

  /** Makes sure the room has an agent (never waits for it to join). */
  ensure(room: string): void {
    if (this.#closed) return;
    const existing = this.#agents.get(room);
    // A terminally disconnected agent (e.g. refused token) is replaced; a reconnecting one is not.
    if (existing && existing.client.status !== 'disconnected') return existing.touch();
    existing?.stop();
    const { url, secret, logger, idleTimeoutMs = 60_000, agentOptions } = this.#options;
    const agent: DemoAgent = new DemoAgent({
      ...agentOptions,
      url,
      room,
      secret,
      idleTimeoutMs,
      onIdle: () => this.#remove(agent),
      onError: (error) => logger.warn('demo agent: a reply failed', { room, error: String(error) }),
    });
    this.#agents.set(room, agent);
    agent.start().catch((error: unknown) => {
      if (agent.stopped) return;
      logger.warn('demo agent could not join', { room, error: error instanceof Error ? error.message : String(error) });
      this.#remove(agent);
    });
  }

  /** Every agent leaves; later `ensure` calls do nothing. */
  close(): void {
    this.#closed = true;
    for (const agent of this.#agents.values()) agent.stop();
    this.#agents.clear();
  }

  #remove(agent: DemoAgent): void {
    if (this.#agents.get(agent.room) === agent) this.#agents.delete(agent.room);
    agent.stop();
  }
}
