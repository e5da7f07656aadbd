import { isPlainObject } from './packing.js';
import { apiAllows, type ApiScope } from './token.js';

/** One entry of the `sync.paths` grant (PROTOCOL.md §6). */
export interface SyncPathGrant {
  path: string;
  read_only?: boolean;
}

/** The `sync` API grant: without `paths`, every document is allowed. */
export interface SyncScope {
  paths?: SyncPathGrant[];
}

interface SyncRule {
  pattern: string;
  readOnly: boolean;
}

/**
 * The document rules of a token, or `null` for "every document". A `paths` value that is
 * present but malformed denies everything: a grant we cannot read must never widen access.
 */
function syncRules(api: ApiScope | null): SyncRule[] | null {
  const scope = api?.['sync'];
  if (!isPlainObject(scope)) return null;
  const paths = scope['paths'];
  if (paths === undefined || paths === null) return null;
  if (!Array.isArray(paths)) return [];
  const rules: SyncRule[] = [];
  for (const entry of paths) {
    if (!isPlainObject(entry) || typeof entry['path'] !== 'string') continue;
    // MeshAgent reads `read_only ?? readOnly` and tests it for truthiness.
    rules.push({ pattern: stripLeading(entry['path']), readOnly: Boolean(entry['read_only'] ?? entry['readOnly']) });
  }
  return rules;
}

/** Document paths are normalized without a leading `./` or `/`; grants may be written either way. */
function stripLeading(path: string): string {
  return path.replace(/^(?:\.?\/)+/, '');
}

/** MeshAgent's `SyncGrant.matches`: the exact path, or a prefix when the pattern ends in `*`. */
function matches(rule: SyncRule, path: string): boolean {
  return rule.pattern === path || (rule.pattern.endsWith('*') && path.startsWith(rule.pattern.slice(0, -1)));
}

/**
 * Read access to a document: the `sync` API is granted and, when the grant lists `paths`, one of
 * them matches (MeshAgent's `SyncGrant.canRead`).
 *
 * @example
 * syncReadAllowed({ sync: { paths: [{ path: 'notes/*' }] } }, 'notes/a.doc') // true
 * syncReadAllowed({ sync: { paths: [{ path: 'notes/a.doc' }] } }, 'notes/b.doc') // false
 */
export function syncReadAllowed(api: ApiScope | null, path: string): boolean {
  if (!apiAllows(api, 'sync')) return false;
  const rules = syncRules(api);
  if (rules === null) return true;
  const target = stripLeading(path);
  return rules.some((rule) => matches(rule, target));
}

/**
 * Write access to a document: the first listed pattern that matches decides, and it must not be
 * read-only (MeshAgent's `SyncGrant.canWrite`). No match denies.
 *
 * @example
 * syncWriteAllowed({ sync: { paths: [{ path: 'notes/*', read_only: true }] } }, 'notes/a.doc') // false
 */
export function syncWriteAllowed(api: ApiScope | null, path: string): boolean {
  if (!apiAllows(api, 'sync')) return false;
  const rules = syncRules(api);
  if (rules === null) return true;
  const target = stripLeading(path);
  const rule = rules.find((candidate) => matches(candidate, target));
  return rule !== undefined && !rule.readOnly;
}
