// What the room is doing when the server dies (test/reliability-restart.test.ts): one class per
// API, each running a loop until the test says stop, remembering what the server acknowledged,
// doing more while the server is down, and reading back what survived after the restart.
import { TimeoutError } from '@convene/protocol';
import { track, sleep, type Member, type Outcome } from './reliability-restart-members.js';

/** Is the loop still meant to run? */
export type Running = () => boolean;

/**
 * Chat: `sender` broadcasts (to `relay` and `listener`), `relay` sends direct messages to
 * `listener`. Sends are not awaited one by one: the outbox pipelines them, and those in flight at
 * the crash wait in it and are resent after the reconnect.
 */
export class ChatActivity {
  readonly broadcasts = new Map<string, Outcome>();
  readonly directs = new Map<string, Outcome>();
  /** receiver name → message text → deliveries. */
  readonly received = new Map<string, Map<string, number>>();
  readonly #settled: Promise<Outcome>[] = [];

  constructor(
    readonly sender: Member,
    readonly relay: Member,
    readonly listener: Member,
  ) {
    for (const receiver of [relay, listener]) {
      const counts = new Map<string, number>();
      this.received.set(receiver.name, counts);
      receiver.client.messaging.on('message', (message) => {
        if (message.type !== 'chat') return;
        const text = String(message.message['text']);
        counts.set(text, (counts.get(text) ?? 0) + 1);
      });
    }
  }

  async run(running: Running): Promise<void> {
    for (let i = 0; running(); i++) {
      this.#send(`live-${i}`);
      await sleep(40);
    }
  }

  /** Called while the server is down: these go into the outbox. */
  sendOffline(count: number): void {
    for (let i = 0; i < count; i++) this.#send(`offline-${i}`);
  }

  /** Every send's outcome, once all settled. */
  settled(): Promise<Outcome[]> {
    return Promise.all(this.#settled);
  }

  #listenerId(): string {
    const id = this.listener.client.localParticipant.id;
    if (id === null) throw new Error('the listener has no participant id yet');
    return id;
  }

  #send(text: string): void {
    const broadcast: Outcome = { state: 'pending' };
    this.broadcasts.set(`broadcast ${text}`, broadcast);
    this.#settled.push(track(this.sender.client.messaging.broadcastMessage({ type: 'chat', message: { text: `broadcast ${text}` } }), broadcast));
    const direct: Outcome = { state: 'pending' };
    this.directs.set(`direct ${text}`, direct);
    // The participant id comes from the resume key, so it is the same after the restart.
    const to = this.#listenerId();
    this.#settled.push(track(this.relay.client.messaging.sendMessage({ to, type: 'chat', message: { text: `direct ${text}` } }), direct));
  }
}

/** Queues: `producer` sends numbered jobs, `consumer` takes them as they come (competing for nothing). */
export class QueueActivity {
  readonly sent = new Map<number, Outcome>();
  /** job number → times received (before the crash or in the drain after the restart). */
  readonly received = new Map<number, number>();
  /** Receives that failed because the connection died under them (each may have taken one job). */
  cutReceives = 0;
  receivedBeforeCrash = 0;
  #next = 0;

  constructor(
    readonly producer: Member,
    readonly consumer: Member,
  ) {}

  async produce(running: Running): Promise<void> {
    while (running()) {
      await this.#send();
      await sleep(20);
    }
  }

  async consume(running: Running): Promise<void> {
    try {
      while (running()) {
        try {
          const job = await this.consumer.client.queues.receive<{ n: number }>('jobs', { timeout: 1_000 });
          if (job) this.#count(job.n);
        } catch (error) {
          if (error instanceof TimeoutError) continue;
          this.cutReceives++;
          return;
        }
      }
    } finally {
      this.receivedBeforeCrash = [...this.received.values()].reduce((a, b) => a + b, 0);
    }
  }

  /** Called while the server is down: the requests wait for the connection. */
  sendOffline(count: number): Promise<unknown> {
    return Promise.all(Array.from({ length: count }, () => this.#send()));
  }

  /** After the restart: takes every job left (without waiting), so `received` is complete. */
  async drain(): Promise<void> {
    for (;;) {
      const job = await this.consumer.client.queues.receive<{ n: number }>('jobs', { wait: false });
      if (job === null) return;
      this.#count(job.n);
    }
  }

  #send(): Promise<Outcome> {
    const n = this.#next++;
    const outcome: Outcome = { state: 'pending' };
    this.sent.set(n, outcome);
    return track(this.producer.client.queues.send('jobs', { n }), outcome);
  }

  #count(n: number): void {
    this.received.set(n, (this.received.get(n) ?? 0) + 1);
  }
}

/** Database: `writer` inserts one numbered row per request. */
export class DatabaseActivity {
  readonly inserted = new Map<number, Outcome>();
  #next = 0;

  constructor(readonly writer: Member) {}

  async setUp(): Promise<void> {
    await this.writer.client.database.createTable('events', [
      { name: 'id', type: 'integer', primary_key: true },
      { name: 'body', type: 'text' },
    ]);
  }

  async run(running: Running): Promise<void> {
    // The select limit is 1000 rows; stay well below it so one select reads them all.
    while (running() && this.#next < 800) {
      await this.#insert();
      await sleep(20);
    }
  }

  sendOffline(count: number): Promise<unknown> {
    return Promise.all(Array.from({ length: count }, () => this.#insert()));
  }

  /** Row ids and bodies as stored after the restart. */
  async stored(reader: Member): Promise<Map<number, string>> {
    const rows = await reader.client.database.select<{ id: number; body: string }>('events', { limit: 1000 });
    return new Map(rows.map((row) => [row.id, row.body]));
  }

  #insert(): Promise<Outcome> {
    const id = this.#next++;
    const outcome: Outcome = { state: 'pending' };
    this.inserted.set(id, outcome);
    return track(this.writer.client.database.insert('events', [{ id, body: `row ${id}` }]), outcome);
  }
}
