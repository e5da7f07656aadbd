import { describe, expect, it } from 'vitest';
import { ParticipantTable } from '../participant-table.js';
import { createRemoteParticipant } from '../remote-participant.js';

const p = (id: string, attributes: Record<string, unknown>, role = 'user') => createRemoteParticipant(id, role, attributes);

describe('ParticipantTable', () => {
  it('reconciles a full replacement into added, updated and removed, keeping unchanged objects', () => {
    const table = new ParticipantTable();
    table.replace([p('a', { name: 'ann' }), p('b', { name: 'ben' }), p('c', { name: 'cy' })]);
    const [a, b] = table.list;
    const changes = table.replace([p('a', { name: 'ann' }), p('b', { name: 'ben', away: true }), p('d', { name: 'di' })]);
    expect(changes.added.map((x) => x.id)).toEqual(['d']);
    expect(changes.removed.map((x) => x.id)).toEqual(['c']);
    expect(changes.updated.map((u) => [u.previous, u.participant.attributes])).toEqual([[b, { name: 'ben', away: true }]]);
    expect(table.get('a')).toBe(a);
    expect(table.findByName('di')?.id).toBe('d');
  });

  it('returns the same list reference when nothing changed', () => {
    const table = new ParticipantTable();
    table.replace([p('a', { name: 'ann' })]);
    const list = table.list;
    expect(table.replace([p('a', { name: 'ann' })]).added).toEqual([]);
    expect(table.upsert(p('a', { name: 'ann' })).updated).toEqual([]);
    expect(table.mergeAttributes('a', { name: 'ann' }).updated).toEqual([]);
    expect(table.remove('zz').removed).toEqual([]);
    expect(table.list).toBe(list);
  });

  it('freezes participants and their attributes', () => {
    const participant = p('a', { name: 'ann' });
    expect(Object.isFrozen(participant)).toBe(true);
    expect(Object.isFrozen(participant.attributes)).toBe(true);
    expect(participant.name).toBe('ann');
    expect(p('b', { name: 42 }).name).toBeNull();
  });
});
