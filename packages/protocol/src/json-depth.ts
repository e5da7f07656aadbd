/**
 * True when no array or object in `value` is nested more than `limit` levels deep. Iterative, so a
 * hostile document nested thousands of levels cannot exhaust the stack the way a recursive walk
 * (or a later `JSON.stringify`) would.
 *
 * @example
 * jsonWithinDepth({ a: [1] }, 2) // true
 */
export function jsonWithinDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return false;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return true;
}
