/**
 * A peer's value, for an error message. Never calls the value's own `toString`: a JSON object
 * with a `toString` key would make `String(value)` throw, turning a typed refusal into a 500 or a
 * closed connection (found by the fuzz corpus, `objects-where-strings-belong`).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 128 ? `${value.slice(0, 128)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return `${value}`;
  return Array.isArray(value) ? '(an array)' : `(a ${typeof value})`;
}
