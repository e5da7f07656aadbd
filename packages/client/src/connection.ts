import { ConnectionError, MessageType, encodeCloseReason, type WireMessage } from '@convene/protocol';
import { backoffDelay } from './backoff.js';
import { classifyClose } from './close-policy.js';
import { reportError } from './report-error.js';
import { RoomSocket } from './room-socket.js';
import { resolveRoomTarget } from './room-target.js';
import { parseConnected, parseRoomReady, type ConnectedInfo, type RoomReadyInfo } from './startup-messages.js';
import type { TransportCloseEvent } from './transport.js';
import type { ConnectionHooks, ConnectionOptions, RoomStatus } from './connection-types.js';

type Timer = ReturnType<typeof setTimeout>;
type State =
  | { kind: 'idle' }
  | { kind: 'authorizing' }
  | { kind: 'opening'; socket: RoomSocket; opened: boolean; ready: RoomReadyInfo | null; connected: ConnectedInfo | null; timer: Timer }
  | { kind: 'connected'; socket: RoomSocket }
  | { kind: 'backoff'; timer: Timer }
  | { kind: 'closed' };

interface Waiter {
  resolve(socket: RoomSocket): void;
  reject(error: unknown): void;
}

/** Close code we use when giving up on a slow attempt; not 1000, so it classifies as transient. */
const CONNECT_TIMEOUT_CLOSE = 4008;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The connection state machine: authorize → open → wait for `room_ready` + `connected` → connected,
 * and on a close either stop (terminal) or back off and start over. Every attempt gets a fresh
 * token from `authorization()` and a fresh {@link RoomSocket}.
 *
 * @example
 * const connection = new Connection(options, hooks);
 * await connection.start();
 * const socket = await connection.waitForSocket();
 */
export class Connection {
  readonly ready: Promise<void>;
  readonly #options: ConnectionOptions;
  readonly #hooks: ConnectionHooks;
  readonly #waiters = new Set<Waiter>();
  #resolveReady!: () => void;
  #rejectReady!: (error: unknown) => void;
  #readySettled = false;
  #state: State = { kind: 'idle' };
  #status: RoomStatus = 'idle';
  #error: ConnectionError | null = null;
  /** The `error` the hooks last heard about, with a status or on its own. */
  #publishedError: ConnectionError | null = null;
  #everReady = false;
  #retries = 0;
  #expiredRetryUsed = false;
  #attempt = 0;
  #disposed = false;

  constructor(options: ConnectionOptions, hooks: ConnectionHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // `ready` is often never awaited; its rejection must not crash Node (PROTOCOL.md §1.2).
    this.ready.catch(() => {});
  }

  get status(): RoomStatus {
    return this.#status;
  }

  /** The last connection error: the terminal one once disconnected, the latest transient one while retrying. */
  get error(): ConnectionError | null {
    return this.#error;
  }

  /** The socket of the live session, or null. */
  get socket(): RoomSocket | null {
    return this.#state.kind === 'connected' ? this.#state.socket : null;
  }

  start(): Promise<void> {
    if (this.#state.kind === 'idle') this.#connect();
    return this.ready;
  }

  /** Resolves with the live socket once connected; rejects if the client stops for good first. */
  waitForSocket(signal?: AbortSignal): Promise<RoomSocket> {
    if (this.#state.kind === 'connected') return Promise.resolve(this.#state.socket);
    if (this.#state.kind === 'closed') return Promise.reject(this.#closedError());
    return new Promise<RoomSocket>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (socket) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(socket);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const error = this.#closedError();
    const state = this.#state;
    this.#attempt++;
    this.#state = { kind: 'closed' };
    if (state.kind === 'opening' || state.kind === 'backoff') clearTimeout(state.timer);
    if (state.kind === 'opening' || state.kind === 'connected') state.socket.close(1000, 'disposed', () => error);
    if (state.kind === 'connected') this.#hooks.onSessionLost(error);
    this.#stopWaiting(error);
    this.#hooks.onStopped(error);
    this.#publishStatus();
  }

  #connect(): void {
    const attempt = ++this.#attempt;
    this.#state = { kind: 'authorizing' };
    this.#publishStatus();
    void this.#authorizeAndOpen(attempt);
  }

  async #authorizeAndOpen(attempt: number): Promise<void> {
    let authorization: unknown;
    try {
      authorization = await this.#options.authorization();
    } catch (cause) {
      if (attempt !== this.#attempt) return;
      // A backend that is briefly down must not end the session for good, so failures are retried
      // with backoff; the app stops the client by throwing a terminal ConnectionError.
      if (cause instanceof ConnectionError && cause.terminal) return this.#finish(cause);
      const error = new ConnectionError('unauthorized', `authorization failed: ${messageOf(cause)}`, { terminal: false, cause });
      this.#error = error;
      if (!this.#options.reconnect.enabled) return this.#finish(new ConnectionError(error.code, error.message, { terminal: true, cause }));
      this.#scheduleRetry(error);
      return;
    }
    if (attempt !== this.#attempt) return;
    let target;
    try {
      target = resolveRoomTarget(authorization, this.#options.resumeKey);
    } catch (cause) {
      this.#finish(new ConnectionError('bad_request', messageOf(cause), { terminal: true, cause }));
      return;
    }
    const socket: RoomSocket = new RoomSocket(this.#options.transport, target, {
      onOpen: () => {
        if (this.#state.kind === 'opening' && this.#state.socket === socket) this.#state.opened = true;
      },
      onMessage: (message) => this.#onMessage(socket, message),
      onClose: (event) => this.#onClose(socket, event),
    });
    const timer = setTimeout(() => {
      const reason = encodeCloseReason('timeout', `the room was not ready after ${this.#options.connectTimeoutMs} ms`);
      socket.close(CONNECT_TIMEOUT_CLOSE, reason);
    }, this.#options.connectTimeoutMs);
    this.#state = { kind: 'opening', socket, opened: false, ready: null, connected: null, timer };
    this.#publishStatus();
    try {
      socket.open();
    } catch (cause) {
      // A transport that throws synchronously is misconfigured; retrying would throw again.
      clearTimeout(timer);
      if (this.#state.kind !== 'opening' || this.#state.socket !== socket) return;
      this.#finish(new ConnectionError('connection_failed', `could not open the transport: ${messageOf(cause)}`, { terminal: true, cause }));
    }
  }

  #onMessage(socket: RoomSocket, message: WireMessage): void {
    const state = this.#state;
    if (state.kind === 'opening' && state.socket === socket) {
      // Parse errors are ProtocolErrors: the socket closes with 1002 and the attempt is retried.
      if (message.type === MessageType.RoomReady) state.ready = parseRoomReady(message.data);
      else if (message.type === MessageType.Connected) state.connected = parseConnected(message.data);
      else return this.#hooks.onMessage(message, socket);
      if (state.ready !== null && state.connected !== null) this.#becomeReady(state, state.ready, state.connected);
      return;
    }
    if (state.kind === 'connected' && state.socket === socket) this.#hooks.onMessage(message, socket);
  }

  #becomeReady(state: Extract<State, { kind: 'opening' }>, ready: RoomReadyInfo, connected: ConnectedInfo): void {
    clearTimeout(state.timer);
    const isReconnect = this.#everReady;
    this.#everReady = true;
    this.#retries = 0;
    this.#expiredRetryUsed = false;
    this.#error = null;
    this.#state = { kind: 'connected', socket: state.socket };
    try {
      this.#hooks.onSession({ ...ready, ...connected, isReconnect }, state.socket);
    } catch (error) {
      reportError(error);
    }
    if (this.#state.kind !== 'connected' || this.#state.socket !== state.socket) return;
    this.#publishStatus();
    if (!this.#readySettled) {
      this.#readySettled = true;
      this.#resolveReady();
    }
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter.resolve(state.socket);
  }

  #onClose(socket: RoomSocket, event: TransportCloseEvent): void {
    const state = this.#state;
    if ((state.kind !== 'opening' && state.kind !== 'connected') || state.socket !== socket) return;
    if (state.kind === 'opening') clearTimeout(state.timer);
    const decision = classifyClose(event, {
      reconnecting: this.#everReady,
      expiredRetryUsed: this.#expiredRetryUsed,
      opened: state.kind === 'connected' || state.opened,
    });
    this.#error = decision.error;
    this.#state = { kind: 'idle' };
    if (state.kind === 'connected') this.#hooks.onSessionLost(decision.error);
    if (this.#disposed) return;
    if (decision.kind === 'terminal' || !this.#options.reconnect.enabled) return this.#finish(decision.error);
    if (decision.immediate) {
      this.#expiredRetryUsed = true;
      return this.#connect();
    }
    this.#scheduleRetry(decision.error);
  }

  #scheduleRetry(error: ConnectionError): void {
    const { maxAttempts } = this.#options.reconnect;
    if (this.#retries >= maxAttempts) {
      const message = `gave up after ${this.#retries} reconnect attempts: ${error.message}`;
      return this.#finish(new ConnectionError(error.code, message, { terminal: error.terminal, cause: error }));
    }
    const delay = backoffDelay(this.#retries, this.#options.reconnect, this.#options.random);
    this.#retries++;
    const timer = setTimeout(() => {
      if (this.#state.kind === 'backoff' && this.#state.timer === timer) this.#connect();
    }, delay);
    this.#state = { kind: 'backoff', timer };
    this.#publishStatus();
  }

  #finish(error: ConnectionError): void {
    this.#attempt++;
    this.#state = { kind: 'closed' };
    this.#error = error;
    this.#stopWaiting(error);
    this.#hooks.onStopped(error);
    this.#publishStatus();
  }

  #stopWaiting(error: ConnectionError): void {
    if (!this.#readySettled) {
      this.#readySettled = true;
      this.#rejectReady(error);
    }
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter.reject(error);
  }

  #closedError(): ConnectionError {
    if (this.#disposed) return new ConnectionError('disposed', 'the room client was disposed', { terminal: true });
    const cause = this.#error;
    const message = cause ? `the room connection is closed: ${cause.message}` : 'the room connection is closed';
    return new ConnectionError(cause?.code ?? 'disconnected', message, { terminal: true, cause });
  }

  #publishStatus(): void {
    const status = this.#publicStatus();
    const errorChanged = this.#error !== this.#publishedError;
    this.#publishedError = this.#error;
    if (status !== this.#status) {
      this.#status = status;
      this.#hooks.onStatus(status);
    } else if (errorChanged) {
      // The `error` getter is a snapshot too: an expired token retried at once, or a new cause of
      // failure while reconnecting, must reach useSyncExternalStore readers without a status change.
      this.#hooks.onErrorChanged(this.#error);
    }
  }

  #publicStatus(): RoomStatus {
    switch (this.#state.kind) {
      case 'idle':
        return this.#everReady ? 'reconnecting' : 'idle';
      case 'authorizing':
        return this.#everReady ? 'reconnecting' : 'authorizing';
      case 'opening':
      case 'backoff':
        return this.#everReady ? 'reconnecting' : 'connecting';
      case 'connected':
        return 'connected';
      case 'closed':
        return 'disconnected';
    }
  }
}
