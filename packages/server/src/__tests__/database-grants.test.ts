import { describe, expect, it } from 'vitest';
import { datasetListTablesAllowed, datasetTableAllowed, parseParticipantClaims, type ApiScope } from '@convene/protocol';

const tables = (list: unknown): ApiScope => ({ dataset: { tables: list } });

describe('dataset grants (PROTOCOL.md §6, MeshAgent DatasetGrant)', () => {
  it('denies without the dataset API and allows everything without tables', () => {
    for (const op of ['read', 'write', 'alter'] as const) {
      expect(datasetTableAllowed(null, 't', op)).toBe(false);
      expect(datasetTableAllowed({ messaging: {} }, 't', op)).toBe(false);
      expect(datasetTableAllowed({ dataset: false }, 't', op)).toBe(false);
      expect(datasetTableAllowed({ dataset: {} }, 't', op)).toBe(true);
      expect(datasetTableAllowed({ dataset: { tables: null } }, 't', op)).toBe(true);
    }
    expect(datasetListTablesAllowed(null)).toBe(false);
    expect(datasetListTablesAllowed({ dataset: {} })).toBe(true);
  });

  it('gives a table entry MeshAgent defaults: read yes, write and alter no', () => {
    const api = tables([{ name: 'notes' }]);
    expect(datasetTableAllowed(api, 'notes', 'read')).toBe(true);
    expect(datasetTableAllowed(api, 'notes', 'write')).toBe(false);
    expect(datasetTableAllowed(api, 'notes', 'alter')).toBe(false);
    expect(datasetTableAllowed(api, 'other', 'read')).toBe(false);
    expect(datasetTableAllowed(tables([]), 'notes', 'read')).toBe(false);
  });

  it('allows an operation when any entry for the table allows it', () => {
    const api = tables([{ name: 'notes', read: false }, { name: 'notes', write: true, read: false }, { name: 'notes', alter: true }]);
    expect(datasetTableAllowed(api, 'notes', 'read')).toBe(true);
    expect(datasetTableAllowed(api, 'notes', 'write')).toBe(true);
    expect(datasetTableAllowed(api, 'notes', 'alter')).toBe(true);
  });

  it('matches only entries without a namespace', () => {
    expect(datasetTableAllowed(tables([{ name: 'notes', namespace: [] }]), 'notes', 'read')).toBe(true);
    expect(datasetTableAllowed(tables([{ name: 'notes', namespace: ['a'] }]), 'notes', 'read')).toBe(false);
  });

  it('fails closed on grants it cannot read', () => {
    expect(datasetTableAllowed(tables('notes'), 'notes', 'read')).toBe(false);
    expect(datasetTableAllowed(tables([{ name: 'notes', write: 'yes' }]), 'notes', 'write')).toBe(false);
    expect(datasetTableAllowed(tables([{ name: 'notes', read: 0 }]), 'notes', 'read')).toBe(false);
    expect(datasetTableAllowed(tables([null, 'notes', { name: 5 }]), 'notes', 'read')).toBe(false);
    expect(datasetTableAllowed(tables([{ name: 'NOTES' }]), 'notes', 'read')).toBe(false);
  });

  it('honours list_tables and listTables', () => {
    expect(datasetListTablesAllowed({ dataset: { list_tables: false } })).toBe(false);
    expect(datasetListTablesAllowed({ dataset: { listTables: false } })).toBe(false);
    expect(datasetListTablesAllowed({ dataset: { list_tables: true, tables: [] } })).toBe(true);
  });

  it('reads the database and datasets aliases from a token', () => {
    for (const alias of ['database', 'datasets']) {
      const claims = parseParticipantClaims({ name: 'a', grants: [{ name: 'room', scope: 'r' }, { name: 'api', scope: { [alias]: { tables: [{ name: 't', write: true }] } } }] });
      expect(datasetTableAllowed(claims.api, 't', 'write')).toBe(true);
      expect(datasetTableAllowed(claims.api, 'u', 'read')).toBe(false);
    }
  });
});
