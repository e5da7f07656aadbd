import { ConveneError, RoomError, type RoomClient } from '@convene/client';
import { NOTES_INITIAL_JSON, NOTES_PATH, NOTES_SCHEMA, notesText } from '../shared/notes-document.js';
import { cleanTodoTitle, ensureTodosTable, MAX_TODO_TITLE, TODOS_TABLE } from '../shared/todos-table.js';
import { summarizeText } from './notes-summary.js';
import type { HelperTools } from './reply-model.js';

export const JOBS_QUEUE = 'jobs';
/** Job kinds are short names (`report`, `send-digest`), not free text. */
export const JOB_KIND = /^[A-Za-z0-9][\w.-]{0,63}$/;

/**
 * The Helper's abilities on a live room client. The `todos` table is created once per agent
 * (again if someone dropped it since); the notes are opened only while being read; jobs go to
 * the durable `jobs` queue, where any worker in the room can `receive` them.
 */
export function createHelperTools(client: RoomClient): HelperTools {
  let tableReady: Promise<void> | null = null;
  const ensureTable = () => (tableReady ??= ensureTodosTable(client.database).catch((error: unknown) => {
    tableReady = null;
    throw error;
  }));

  return {
    async addTodo(title, addedBy) {
      const clean = cleanTodoTitle(title);
      if (!clean) throw new RoomError('bad_request', `a to-do title needs 1 to ${MAX_TODO_TITLE} characters`);
      const row = { title: clean, added_by: addedBy };
      await ensureTable();
      try {
        await client.database.insert(TODOS_TABLE, [row]);
      } catch (error) {
        if (!(error instanceof ConveneError && error.code === 'not_found')) throw error;
        tableReady = null;
        await ensureTable();
        await client.database.insert(TODOS_TABLE, [row]);
      }
      return { title: clean };
    },

    async summarizeNotes() {
      const document = await client.sync.open(NOTES_PATH, { schema: NOTES_SCHEMA, initialJson: NOTES_INITIAL_JSON });
      try {
        return summarizeText(notesText(document)?.toString() ?? '');
      } finally {
        await client.sync.close(NOTES_PATH).catch(() => {});
      }
    },

    async enqueueJob(kind, requestedBy) {
      if (!JOB_KIND.test(kind)) throw new RoomError('bad_request', 'a job kind is 1 to 64 letters, digits, "_", "." or "-"');
      await client.queues.send(JOBS_QUEUE, { kind, requested_by: requestedBy, requested_at: new Date().toISOString() });
      return { queue: JOBS_QUEUE, kind };
    },
  };
}
