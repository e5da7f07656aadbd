import { RoomClient, nodeTransport, type HostedToolkit, type RoomMessage, type TransportFactory } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { addressedTo } from './chat-addressing.js';
import { createHelperTools } from './helper-tools.js';
import { helperToolkit } from './helper-toolkit.js';
import type { HelperTools, ReplyModel } from './reply-model.js';
import { streamReply } from './reply-streamer.js';
import { RuleBasedReplyModel } from './rule-based-model.js';

export interface DemoAgentOptions {
  /** The room server's base URL, `ws://host:port` (rooms live at `${url}/rooms/<room>`). */
  url: string;
  room: string;
  /** The room server's secret: the agent mints its own `agent` token before every connection. */
  secret: string;
  /** Display name, and the mention it answers to (`@helper`). Default `Helper`. */
  name?: string;
  /** Where replies come from; default the rule-based model. */
  model?: ReplyModel;
  transport?: TransportFactory;
  /** Leave after this long with nobody else in the room (default: never); see `onIdle`. */
  idleTimeoutMs?: number;
  onIdle?: () => void;
  /** Failures that only end one reply (a broken send); the agent keeps running. */
  onError?: (error: unknown) => void;
}

/**
 * The demo's AI-agent participant: joins a room as role `agent`, hosts the public `helper`
 * toolkit, and answers chat messages that mention it (or are sent to it directly) with a
 * streamed reply, showing `thinking` while it works. Reconnects on its own (RoomClient).
 *
 * @example
 * const agent = new DemoAgent({ url: 'ws://127.0.0.1:8787', room: 'lobby', secret: 'dev-secret' });
 * await agent.start();
 * // … later
 * agent.stop();
 */
export class DemoAgent {
  readonly name: string;
  readonly room: string;
  readonly client: RoomClient;
  readonly tools: HelperTools;
  readonly #model: ReplyModel;
  readonly #options: DemoAgentOptions;
  readonly #stopping = new AbortController();
  readonly #offs: (() => void)[] = [];
  #toolkit: HostedToolkit | null = null;
  #working = 0;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: DemoAgentOptions) {
    this.#options = options;
    this.name = options.name ?? 'Helper';
    this.room = options.room;
    this.#model = options.model ?? new RuleBasedReplyModel();
    const { url, room, secret } = options;
    this.client = new RoomClient({
      transport: options.transport ?? nodeTransport(),
      // A fresh short-lived token for every attempt, so reconnects after hours still work.
      authorization: async () => ({
        url: `${url}/rooms/${encodeURIComponent(room)}`,
        jwt: await participantToken({ name: this.name, room, role: 'agent', secret, expiresIn: 3600 }),
      }),
    });
    this.tools = createHelperTools(this.client);
  }

  get stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  /** Resolves once the agent is in the room, listening to chat and hosting its toolkit. */
  async start(): Promise<void> {
    this.#offs.push(
      this.client.messaging.on('message', (message) => this.#onMessage(message)),
      this.client.messaging.on('change', () => this.#checkIdle()),
    );
    await this.client.start();
    await this.client.messaging.enable();
    this.client.localParticipant.setAttribute('thinking', false);
    const toolkit = await this.client.agents.startHostedToolkit(helperToolkit(this.client, this.tools));
    if (this.stopped) return void toolkit.stop().catch(() => {});
    this.#toolkit = toolkit;
    this.#checkIdle();
  }

  /** Leaves the room for good; replies in progress stop. */
  stop(): void {
    if (this.stopped) return;
    this.#stopping.abort();
    this.#clearIdle();
    for (const off of this.#offs.splice(0)) off();
    // Disposing closes the socket; the server forgets the toolkit with the participant.
    this.#toolkit = null;
    this.client.dispose();
  }

  /** Someone is about to join (the demo server minted a token): restart the idle countdown. */
  touch(): void {
    if (this.#idleTimer !== null) this.#startIdle();
  }

  #onMessage(message: RoomMessage): void {
    if (message.type !== 'chat' || this.stopped) return;
    const addressed = addressedTo(message.message, this.name);
    if (!addressed) return;
    const from = { id: message.fromParticipantId, name: message.from?.name ?? 'there' };
    void this.#answer(addressed.text, from, addressed.direct, message.messageId);
  }

  async #answer(text: string, from: { id: string; name: string }, direct: boolean, inReplyTo: string | undefined): Promise<void> {
    const stream = { id: globalThis.crypto.randomUUID() };
    this.#setWorking(+1);
    try {
      const pieces = this.#model.reply({ text, from, tools: this.tools, signal: this.#stopping.signal });
      await streamReply(pieces, async (reply, done) => {
        if (this.stopped) return;
        const body = { text: reply, stream: { ...stream, done }, ...(inReplyTo ? { in_reply_to: inReplyTo } : {}) };
        await (direct
          ? this.client.messaging.sendMessage({ to: from.id, type: 'chat', message: body })
          : this.client.messaging.broadcastMessage({ type: 'chat', message: body }));
      });
    } catch (error) {
      if (!this.stopped) this.#options.onError?.(error);
    } finally {
      this.#setWorking(-1);
    }
  }

  #setWorking(delta: number): void {
    this.#working = Math.max(0, this.#working + delta);
    // `thinking` is what RoomChat shows as "Helper is thinking…"; it ends as the final text is posted.
    const thinking = this.#working > 0;
    if (this.client.localParticipant.getAttribute('thinking') !== thinking && !this.stopped) {
      this.client.localParticipant.setAttribute('thinking', thinking);
    }
  }

  #checkIdle(): void {
    if (this.#options.idleTimeoutMs === undefined || this.stopped) return;
    const alone = this.client.messaging.remoteParticipants.length === 0;
    if (!alone) this.#clearIdle();
    else if (this.#idleTimer === null) this.#startIdle();
  }

  #startIdle(): void {
    this.#clearIdle();
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      this.#options.onIdle?.();
    }, this.#options.idleTimeoutMs);
    this.#idleTimer.unref?.();
  }

  #clearIdle(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
