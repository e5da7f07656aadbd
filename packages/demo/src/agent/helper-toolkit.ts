import type { HostedToolkitDefinition, RoomClient } from '@convene/client';
import { MAX_TODO_TITLE } from '../shared/todos-table.js';
import { JOB_KIND } from './helper-tools.js';
import type { HelperTools } from './reply-model.js';

export const HELPER_TOOLKIT = 'helper';

/**
 * The Helper's public toolkit: the same abilities it uses in chat, callable by any participant
 * (`room.agents.invokeTool({ toolkit: 'helper', tool: 'add_todo', arguments: { title } })`).
 */
export function helperToolkit(client: RoomClient, tools: HelperTools): HostedToolkitDefinition {
  const callerName = (callerId: string | null) =>
    (callerId !== null ? client.messaging.getParticipant(callerId)?.name : null) ?? 'someone';
  return {
    name: HELPER_TOOLKIT,
    title: 'Helper',
    description: 'The demo agent: adds to-dos, summarizes the shared notes and queues jobs.',
    public: true,
    tools: {
      add_todo: {
        title: 'Add a to-do',
        description: 'Adds a row to the room\'s "todos" table (created if missing). Answers { title }.',
        inputSchema: {
          type: 'object',
          required: ['title'],
          additionalProperties: false,
          properties: { title: { type: 'string', minLength: 1, maxLength: MAX_TODO_TITLE } },
        },
        handler: ({ title }: { title: string }, { callerId }) => tools.addTodo(title, `${callerName(callerId)} via Helper`),
      },
      summarize_notes: {
        title: 'Summarize the notes',
        description: 'Counts the words and lines of the shared notes and quotes the first line. Answers { words, lines, firstLine, summary }.',
        inputSchema: { type: 'object', additionalProperties: false },
        handler: async () => ({ ...(await tools.summarizeNotes()) }),
      },
      enqueue_job: {
        title: 'Queue a job',
        description: 'Puts { kind, requested_by, requested_at } on the room\'s "jobs" queue. Answers { queue, kind }.',
        inputSchema: {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { type: 'string', pattern: JOB_KIND.source } },
        },
        handler: ({ kind }: { kind: string }, { callerId }) => tools.enqueueJob(kind, callerName(callerId)),
      },
    },
  };
}
