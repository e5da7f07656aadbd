import { RoomError, isPlainObject, type Content } from '@convene/protocol';
import type { ToolDescription, ToolkitDescription } from './toolkit-types.js';

const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/** Reads a `room.list_toolkits` reply (MeshAgent shape: `{ tools: { <name>: {…, tools} } }`). */
export function parseToolkits(content: Content): ToolkitDescription[] {
  if (content.type !== 'json' || !isPlainObject(content.json) || !isPlainObject(content.json['tools'])) {
    throw new RoomError('protocol_error', 'unexpected reply from room.list_toolkits');
  }
  return Object.entries(content.json['tools']).map(([name, raw]) => {
    const toolkit = isPlainObject(raw) ? raw : {};
    return {
      name,
      title: text(toolkit['title'], name),
      description: text(toolkit['description'], ''),
      participantId: typeof toolkit['participant_id'] === 'string' ? toolkit['participant_id'] : null,
      public: toolkit['public'] !== false,
      tools: parseTools(toolkit['tools']),
    };
  });
}

function parseTools(raw: unknown): ToolDescription[] {
  // MeshAgent accepts both a list of tools and an object keyed by tool name.
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((tool) => [isPlainObject(tool) ? text(tool['name'], '') : '', tool])
    : isPlainObject(raw) ? Object.entries(raw) : [];
  return entries.map(([name, value]) => {
    const tool = isPlainObject(value) ? value : {};
    const spec = isPlainObject(tool['input_spec']) ? tool['input_spec'] : {};
    const schema = isPlainObject(spec['schema']) ? spec['schema'] : isPlainObject(tool['input_schema']) ? tool['input_schema'] : undefined;
    const description: ToolDescription = { name, title: text(tool['title'], name), description: text(tool['description'], '') };
    if (schema) description.inputSchema = schema;
    return description;
  });
}
