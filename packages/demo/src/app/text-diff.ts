/** One contiguous replacement: delete `deleteCount` characters at `index`, then insert `insert` there. */
export interface TextChange {
  index: number;
  deleteCount: number;
  insert: string;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The smallest single replacement that turns `before` into `after` (common prefix and suffix
 * kept). Sending only this to the shared text, instead of the whole value, is what lets two
 * people type into the same notes at once. `caret` (the caret after the edit) breaks ties in
 * repeated text ("aa" → "aaa"), so the edit lands where the user typed; it matters once
 * someone else edits nearby at the same moment.
 *
 * @example
 * diffText('hello world', 'hello brave world', 12); // { index: 6, deleteCount: 0, insert: 'brave ' }
 */
export function diffText(before: string, after: string, caret?: number): TextChange | null {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  // Typing leaves everything after the caret untouched, so the common suffix is found first and
  // may not reach past the caret; the prefix takes what is left.
  const maxSuffix = caret === undefined ? shorter : Math.min(shorter, Math.max(0, after.length - caret));
  let end = 0;
  while (end < maxSuffix && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  // Never split a surrogate pair: Yjs counts UTF-16 units, and half an emoji is not a character.
  if (end > 0 && isLowSurrogate(after.charCodeAt(after.length - end))) end--;
  const maxPrefix = shorter - end;
  let start = 0;
  while (start < maxPrefix && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  return { index: start, deleteCount: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/**
 * Where a caret at `index` belongs after someone else's `change`: before the change it stays,
 * after it shifts by the length difference, inside a replaced range it moves to the end of the
 * new text.
 */
export function transformIndex(index: number, change: TextChange): number {
  if (index <= change.index) return index;
  if (index >= change.index + change.deleteCount) return index - change.deleteCount + change.insert.length;
  return change.index + change.insert.length;
}
