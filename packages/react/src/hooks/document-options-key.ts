import type { MeshSchema } from '@convene/client';

const schemaKeys = new WeakMap<MeshSchema, string>();

/**
 * A string that changes only when the options mean something else, so `useDocument(path, {…})`
 * with an inline object (or a schema rebuilt on every render) does not reopen the document.
 */
export function documentOptionsKey(path: string, options: { schema?: MeshSchema; initialJson?: unknown; create?: boolean }): string {
  let schema = '';
  if (options.schema) {
    schema = schemaKeys.get(options.schema) ?? stableJson(options.schema.toJson());
    schemaKeys.set(options.schema, schema);
  }
  return stableJson([path, options.create ?? true, schema, options.initialJson ?? null]);
}

/** JSON with object keys sorted, so key order in a literal does not matter. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
