import { createHash } from 'node:crypto';

/** Characters of the room name kept in the schema name, for people reading `\dn`. */
const PREFIX_LENGTH = 20;

/**
 * The PostgreSQL schema that holds one room's tables: `room_<prefix>_<hash>`, where the prefix is
 * the room name lower-cased with everything but `[a-z0-9]` turned into `_`, and the hash is 16 hex
 * digits of SHA-256 over the exact name (so `Team`, `team` and `te.am` never share a schema).
 * At most 42 characters, always a safe identifier: the raw name never reaches SQL.
 *
 * @example
 * roomSchemaName('Team.Room') // 'room_team_room_<16 hex>'
 */
export function roomSchemaName(room: string): string {
  const prefix = room.toLowerCase().replace(/[^a-z0-9]/g, '_').slice(0, PREFIX_LENGTH);
  const hash = createHash('sha256').update(room, 'utf8').digest('hex').slice(0, 16);
  return `room_${prefix}_${hash}`;
}
