/**
 * True when two attribute maps hold the same JSON values. Used to keep snapshot references stable
 * when the server repeats what we already have.
 */
export function sameAttributes(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && JSON.stringify(a[key]) === JSON.stringify(b[key]));
}
