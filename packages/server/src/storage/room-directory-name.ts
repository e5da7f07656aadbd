import { createHash } from 'node:crypto';

const KEPT = /^[a-z0-9_-]$/;
/** Well below NAME_MAX (255) even after the `~xx` escapes. */
const MAX_NAME = 200;

/**
 * A room name as one safe directory name. Room names may contain `.`, `:` and `@` (and `..` is a
 * legal name), so everything but `[a-z0-9_-]` is escaped as `~xx` (hex of each UTF-8 byte).
 * Upper case is escaped too, so two rooms never share a directory on a case-insensitive
 * filesystem. Names that are empty or would be too long become `~h<sha256>`; `~h` never occurs
 * in an escaped name, because `h` is not a hex digit.
 *
 * @example
 * roomDirectoryName('Team.Room') // '~54eam~2e~52oom'
 */
export function roomDirectoryName(room: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(room)) {
    const char = String.fromCharCode(byte);
    out += KEPT.test(char) ? char : `~${byte.toString(16).padStart(2, '0')}`;
  }
  if (out.length === 0 || out.length > MAX_NAME) return `~h${createHash('sha256').update(room).digest('hex')}`;
  return out;
}
