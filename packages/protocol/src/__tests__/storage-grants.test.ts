import { describe, expect, it } from 'vitest';
import { storageReadAllowed, storageTreeWriteAllowed, storageWriteAllowed, type ApiScope } from '@convene/protocol';

const scoped = (paths: unknown): ApiScope => ({ storage: { paths } });

describe('storage grants (PROTOCOL.md §6)', () => {
  it('denies everything without the storage API and allows everything without paths', () => {
    expect(storageReadAllowed(null, 'a')).toBe(false);
    expect(storageReadAllowed({ messaging: {} }, 'a')).toBe(false);
    expect(storageWriteAllowed({ messaging: {} }, 'a')).toBe(false);
    expect(storageReadAllowed({ storage: {} }, '')).toBe(true);
    expect(storageWriteAllowed({ storage: {} }, 'x/y')).toBe(true);
    expect(storageTreeWriteAllowed({ storage: {} }, '')).toBe(true);
  });

  it('reads on any matching prefix, writes on the first match only', () => {
    const api = scoped([{ path: 'public/', read_only: true }, { path: 'public/drop/' }, { path: 'mine/' }]);
    expect(storageReadAllowed(api, 'public/a.txt')).toBe(true);
    expect(storageWriteAllowed(api, 'public/a.txt')).toBe(false);
    // First match wins: public/ (read-only) shadows public/drop/.
    expect(storageWriteAllowed(api, 'public/drop/x')).toBe(false);
    expect(storageWriteAllowed(api, 'mine/x')).toBe(true);
    expect(storageReadAllowed(api, 'other/x')).toBe(false);
    expect(storageWriteAllowed(api, 'other/x')).toBe(false);
    expect(storageReadAllowed(api, '')).toBe(false);
  });

  it('lets a folder grant list the folder itself, but not write a file named like it', () => {
    const api = scoped([{ path: 'docs/' }]);
    expect(storageReadAllowed(api, 'docs')).toBe(true);
    expect(storageWriteAllowed(api, 'docs')).toBe(false);
    expect(storageReadAllowed(api, 'docsx')).toBe(false);
  });

  it('accepts leading slashes and camelCase readOnly', () => {
    const api = scoped([{ path: '/ro/', readOnly: true }, { path: './rw/' }]);
    expect(storageReadAllowed(api, 'ro/a')).toBe(true);
    expect(storageWriteAllowed(api, 'ro/a')).toBe(false);
    expect(storageWriteAllowed(api, 'rw/a')).toBe(true);
  });

  it('refuses a subtree write that would destroy a read-only region inside it', () => {
    const api = scoped([{ path: 'a/keep/', read_only: true }, { path: 'a' }]);
    expect(storageWriteAllowed(api, 'a')).toBe(true);
    expect(storageTreeWriteAllowed(api, 'a')).toBe(false);
    expect(storageTreeWriteAllowed(api, 'a/other')).toBe(true);
  });

  it('fails closed on malformed grants', () => {
    expect(storageReadAllowed(scoped('docs/'), 'docs/a')).toBe(false);
    expect(storageReadAllowed(scoped([]), 'a')).toBe(false);
    expect(storageReadAllowed(scoped([42, { path: 7 }, null]), 'a')).toBe(false);
    expect(storageWriteAllowed(scoped([{ path: 'a', read_only: 'yes' }]), 'a')).toBe(false);
  });
});
