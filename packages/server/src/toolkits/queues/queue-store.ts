import { RoomError } from '@convene/protocol';
import type { Database, Queryable } from '../../database/database.js';

/** One message taken off a queue: its order key (to put it back exactly there) and its JSON. */
export interface TakenMessage {
  /** The `seq` order key as decimal text (bigint-safe across both drivers). */
  seq: string;
  message: unknown;
}

export interface QueueSize {
  name: string;
  size: number;
}

/**
 * Queue tables live in their own schema: room schemas are `room_<…>` (room-schema.ts), so no user
 * table can ever be named like these. `seq` orders a queue (FIFO); it is separate from the primary
 * key so a message can be put back at the front (a smaller `seq`) without colliding with the ids
 * of other queues. The foreign key does the locking for us: an INSERT takes FOR KEY SHARE on the
 * queue row, so a concurrent `close` (DELETE, cascading) either waits for the send or makes it fail.
 */
const SCHEMA_DDL = [
  'CREATE SCHEMA IF NOT EXISTS convene_internal',
  `CREATE TABLE IF NOT EXISTS convene_internal.queues (
     room text NOT NULL, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (room, name))`,
  'CREATE SEQUENCE IF NOT EXISTS convene_internal.queue_seq',
  `CREATE TABLE IF NOT EXISTS convene_internal.queue_messages (
     id bigserial PRIMARY KEY, room text NOT NULL, queue text NOT NULL, seq bigint NOT NULL,
     message json NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
     FOREIGN KEY (room, queue) REFERENCES convene_internal.queues (room, name) ON DELETE CASCADE)`,
  'CREATE INDEX IF NOT EXISTS queue_messages_order ON convene_internal.queue_messages (room, queue, seq, id)',
];
/** Serializes schema creation between servers sharing one PostgreSQL (CREATE … IF NOT EXISTS races). */
const SCHEMA_LOCK = 0x636f6e76_656e6571n; // "convenq"

/**
 * Competing consumers: the oldest message that no other transaction holds, deleted and returned
 * in one statement, so two receivers can never get the same message.
 */
const TAKE = `DELETE FROM convene_internal.queue_messages WHERE id = (
  SELECT id FROM convene_internal.queue_messages WHERE room = $1 AND queue = $2
  ORDER BY seq, id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING seq::text AS seq, message`;
const INSERT = `INSERT INTO convene_internal.queue_messages (room, queue, seq, message)
  VALUES ($1, $2, nextval('convene_internal.queue_seq'), $3::json)`;
const INSERT_FRONT = `INSERT INTO convene_internal.queue_messages (room, queue, seq, message)
  SELECT $1, $2, COALESCE(min(seq), nextval('convene_internal.queue_seq')) - 1, $3::json
  FROM convene_internal.queue_messages WHERE room = $1 AND queue = $2`;
const INSERT_AT = `INSERT INTO convene_internal.queue_messages (room, queue, seq, message) VALUES ($1, $2, $3::bigint, $4::json)`;
const CREATE_QUEUE = 'INSERT INTO convene_internal.queues (room, name) VALUES ($1, $2) ON CONFLICT DO NOTHING';

/** Where a sent message goes: the back (normal), the front, or back at the key it was taken from. */
export type Placement = { at: 'back' } | { at: 'front' } | { at: 'seq'; seq: string };

/**
 * Durable queues of every room, through the Database seam (PGlite or PostgreSQL). The schema is
 * created on first use. Every method resolves only after its change is committed.
 */
export class QueueStore {
  readonly #database: Database;
  #schema: Promise<void> | undefined;

  constructor(database: Database) {
    this.#database = database;
  }

  async exists(room: string, name: string): Promise<boolean> {
    await this.#ready();
    const { rows } = await this.#database.query('SELECT 1 FROM convene_internal.queues WHERE room = $1 AND name = $2', [room, name]);
    return rows.length > 0;
  }

  /** Creates the queue if missing (idempotent). */
  async open(room: string, name: string): Promise<void> {
    await this.#ready();
    await this.#database.query(CREATE_QUEUE, [room, name]);
  }

  /** Stores one message; `create: false` on a missing queue → not_found. */
  async send(room: string, name: string, messageJson: string, create: boolean, placement: Placement): Promise<void> {
    await this.#ready();
    const insert = (db: Queryable): Promise<unknown> =>
      placement.at === 'back' ? db.query(INSERT, [room, name, messageJson])
      : placement.at === 'front' ? db.query(INSERT_FRONT, [room, name, messageJson])
      : db.query(INSERT_AT, [room, name, placement.seq, messageJson]);
    try {
      if (!create) await insert(this.#database);
      else await this.#database.transaction(async (tx) => {
        await tx.query(CREATE_QUEUE, [room, name]);
        await insert(tx);
      });
    } catch (error) {
      // 23503: the queue row is missing (never created, or closed while we were sending).
      throw sqlState(error) === '23503' ? missing(name) : mapped(error);
    }
  }

  /** Takes the oldest message, or null when the queue is empty. */
  async take(room: string, name: string): Promise<TakenMessage | null> {
    await this.#ready();
    const { rows } = await this.#database.query(TAKE, [room, name]);
    const row = rows[0];
    return row === undefined ? null : { seq: String(row['seq']), message: row['message'] };
  }

  /** Deletes every message; false when the queue does not exist. */
  async drain(room: string, name: string): Promise<boolean> {
    await this.#ready();
    return this.#database.transaction(async (tx) => {
      const { rows } = await tx.query('SELECT 1 FROM convene_internal.queues WHERE room = $1 AND name = $2 FOR KEY SHARE', [room, name]);
      if (rows.length === 0) return false;
      await tx.query('DELETE FROM convene_internal.queue_messages WHERE room = $1 AND queue = $2', [room, name]);
      return true;
    });
  }

  /** Deletes the queue and its messages; false when it did not exist. */
  async close(room: string, name: string): Promise<boolean> {
    await this.#ready();
    const { affectedRows } = await this.#database.query('DELETE FROM convene_internal.queues WHERE room = $1 AND name = $2', [room, name]);
    return affectedRows > 0;
  }

  /** Every queue of the room with its message count, by name. */
  async list(room: string): Promise<QueueSize[]> {
    await this.#ready();
    const { rows } = await this.#database.query(
      `SELECT q.name, count(m.id)::int AS size FROM convene_internal.queues q
       LEFT JOIN convene_internal.queue_messages m ON m.room = q.room AND m.queue = q.name
       WHERE q.room = $1 GROUP BY q.name ORDER BY q.name`,
      [room],
    );
    return rows.map((row) => ({ name: String(row['name']), size: Number(row['size']) }));
  }

  #ready(): Promise<void> {
    this.#schema ??= this.#database
      .transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK.toString()]);
        for (const statement of SCHEMA_DDL) await tx.query(statement);
      })
      .catch((error: unknown) => {
        this.#schema = undefined; // a later request tries again (e.g. PostgreSQL was briefly down)
        throw error;
      });
    return this.#schema;
  }
}

function sqlState(error: unknown): string | undefined {
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function missing(name: string): RoomError {
  return new RoomError('not_found', `queue "${name}" does not exist`);
}

/** A message PostgreSQL refuses as data (e.g. nested too deeply for `json`) is the caller's fault. */
function mapped(error: unknown): unknown {
  const code = sqlState(error);
  if (code !== undefined && (code.startsWith('22') || code.startsWith('54'))) {
    return new RoomError('bad_request', `the message was refused by the database (SQLSTATE ${code})`);
  }
  return error;
}
