/** How many avatar colours styles.css defines (`.cv-avatar[data-color="0"]` … `"7"`). */
export const AVATAR_COLOR_COUNT = 8;

/**
 * A palette slot (0–7) derived from a participant id, the same on every client and every render,
 * so a person keeps their colour. The colour itself lives in styles.css (zero runtime styles).
 *
 * @example
 * <span className="cv-avatar" data-color={avatarColor(participant.id)} />
 */
export function avatarColor(id: string): number {
  // FNV-1a: cheap and well spread for short ids.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % AVATAR_COLOR_COUNT;
}
