import { describe, expect, it } from 'vitest';
import { syncReadAllowed, syncWriteAllowed, type ApiScope } from '@convene/protocol';

describe('sync grants (PROTOCOL.md §6)', () => {
  it('allows every document when the grant has no paths, and none without the sync API', () => {
    expect(syncReadAllowed({ sync: {} }, 'a.doc')).toBe(true);
    expect(syncWriteAllowed({ sync: {} }, 'notes/a.doc')).toBe(true);
    expect(syncReadAllowed({ storage: {} }, 'a.doc')).toBe(false);
    expect(syncWriteAllowed(null, 'a.doc')).toBe(false);
  });

  it('matches an exact path, or a prefix when the pattern ends in *', () => {
    const api: ApiScope = { sync: { paths: [{ path: 'notes/a.doc' }, { path: 'shared/*' }] } };
    expect(syncReadAllowed(api, 'notes/a.doc')).toBe(true);
    expect(syncReadAllowed(api, 'notes/a.doc2')).toBe(false);
    expect(syncReadAllowed(api, 'notes/b.doc')).toBe(false);
    expect(syncReadAllowed(api, 'shared/x/y.doc')).toBe(true);
    expect(syncWriteAllowed(api, 'shared/x.doc')).toBe(true);
    // Without the star a pattern is not a prefix.
    expect(syncReadAllowed({ sync: { paths: [{ path: 'notes/' }] } }, 'notes/a.doc')).toBe(false);
  });

  it('reads any match, but the first match decides a write', () => {
    const api: ApiScope = { sync: { paths: [{ path: 'docs/*', read_only: true }, { path: 'docs/mine.doc' }] } };
    expect(syncReadAllowed(api, 'docs/mine.doc')).toBe(true);
    expect(syncWriteAllowed(api, 'docs/mine.doc')).toBe(false);
    expect(syncWriteAllowed({ sync: { paths: [{ path: 'docs/mine.doc' }, { path: 'docs/*', read_only: true }] } }, 'docs/mine.doc')).toBe(true);
    expect(syncWriteAllowed({ sync: { paths: [{ path: 'x', readOnly: true }] } }, 'x')).toBe(false);
  });

  it('ignores a leading ./ or / on either side, and fails closed on a malformed paths list', () => {
    expect(syncReadAllowed({ sync: { paths: [{ path: '/notes/*' }] } }, './notes/a.doc')).toBe(true);
    expect(syncReadAllowed({ sync: { paths: 'notes/*' } }, 'notes/a.doc')).toBe(false);
    expect(syncWriteAllowed({ sync: { paths: [{ nope: 1 }] } }, 'a')).toBe(false);
  });
});
