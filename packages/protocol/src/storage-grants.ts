import { isPlainObject } from './packing.js';
import { apiAllows, type ApiScope } from './token.js';

/** One entry of the `storage.paths` grant (PROTOCOL.md §6). */
export interface StoragePathGrant {
  path: string;
  read_only?: boolean;
}

/** The `storage` API grant: without `paths`, every path is allowed. */
export interface StorageScope {
  paths?: StoragePathGrant[];
}

interface PathRule {
  prefix: string;
  readOnly: boolean;
}

/**
 * The path rules of a token, or `null` for "everything". A `paths` value that is present but
 * malformed denies everything: a grant we cannot read must never widen access.
 */
function pathRules(api: ApiScope | null): PathRule[] | null {
  const scope = api?.['storage'];
  if (!isPlainObject(scope)) return null;
  const paths = scope['paths'];
  if (paths === undefined || paths === null) return null;
  if (!Array.isArray(paths)) return [];
  const rules: PathRule[] = [];
  for (const entry of paths) {
    if (!isPlainObject(entry) || typeof entry['path'] !== 'string') continue;
    // MeshAgent reads `read_only ?? readOnly` and tests it for truthiness (fail closed, too).
    const readOnly = Boolean(entry['read_only'] ?? entry['readOnly']);
    rules.push({ prefix: stripLeading(entry['path']), readOnly });
  }
  return rules;
}

/** Grants may be written `/docs/` or `./docs/`; storage paths are normalized to `docs/...`. */
function stripLeading(path: string): string {
  return path.replace(/^(?:\.?\/)+/, '');
}

/**
 * Read access to a normalized storage path: the `storage` API is granted and, when the grant
 * lists `paths`, any of them is a prefix of the path (MeshAgent's `StorageGrant.canRead`). A
 * folder is also readable when its own path with a trailing `/` matches, so a grant `docs/`
 * can list the folder `docs`.
 *
 * @example
 * storageReadAllowed({ storage: { paths: [{ path: 'docs/' }] } }, 'docs/a.txt') // true
 */
export function storageReadAllowed(api: ApiScope | null, path: string): boolean {
  if (!apiAllows(api, 'storage')) return false;
  const rules = pathRules(api);
  if (rules === null) return true;
  const target = stripLeading(path);
  return rules.some((rule) => target.startsWith(rule.prefix) || `${target}/`.startsWith(rule.prefix));
}

/**
 * Write access to a normalized storage path: the first listed prefix that matches decides, and
 * it must not be read-only (MeshAgent's `StorageGrant.canWrite`). No match denies.
 *
 * @example
 * storageWriteAllowed({ storage: { paths: [{ path: 'docs/', read_only: true }] } }, 'docs/a.txt') // false
 */
export function storageWriteAllowed(api: ApiScope | null, path: string): boolean {
  if (!apiAllows(api, 'storage')) return false;
  const rules = pathRules(api);
  if (rules === null) return true;
  const target = stripLeading(path);
  const rule = rules.find((candidate) => target.startsWith(candidate.prefix));
  return rule !== undefined && !rule.readOnly;
}

/**
 * Write access to a whole subtree (deleting or replacing a folder): the path itself must be
 * writable, and no read-only entry may cover something inside it, since the operation would
 * destroy what that entry protects.
 */
export function storageTreeWriteAllowed(api: ApiScope | null, path: string): boolean {
  if (!storageWriteAllowed(api, path)) return false;
  const rules = pathRules(api);
  if (rules === null) return true;
  const target = stripLeading(path);
  const inside = target === '' ? '' : `${target}/`;
  return !rules.some((rule) => rule.readOnly && rule.prefix.startsWith(inside));
}
