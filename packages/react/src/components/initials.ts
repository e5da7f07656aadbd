/**
 * One or two letters for an avatar: the first letter of the first two words, upper-cased.
 * Works on code points, so a name that starts with an emoji or an astral letter is not split.
 *
 * @example
 * initials('Ada Lovelace'); // "AL"
 * initials('bot'); // "B"
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0] ?? '');
  return letters.join('').toLocaleUpperCase() || '?';
}
