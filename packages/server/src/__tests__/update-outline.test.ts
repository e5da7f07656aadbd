import { describe, expect, it } from 'vitest';
// The protocol's fuzz tests' seeded PRNG, so a failure replays from its seed.
import { mulberry32 } from '../../../protocol/src/__tests__/fuzz-helpers.js';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { outlineOfDecoded, outlineUpdate, readUpdateOutline, type UpdateOutline } from '../toolkits/sync/update-outline.js';

/**
 * The relay reads an update's outline instead of decoding it with Yjs, and forwards what it
 * accepts to every reader. It must refuse exactly what `Y.decodeUpdate` refuses (a reader would
 * otherwise receive an update its Yjs throws on) and see the same structs.
 */

/** Updates of every kind of content, as a client's transactions emit them, plus merged and whole-state ones. */
function corpus(): { typing: Uint8Array[]; all: Uint8Array[] } {
  const typing: Uint8Array[] = [];
  const all: Uint8Array[] = [];
  const doc = new Y.Doc();
  doc.clientID = 2 ** 31 + 5; // a client id of five varuint bytes
  doc.on('update', (update: Uint8Array) => all.push(update));
  const text = doc.getText('t');
  const record = (change: () => void): void => {
    change();
    typing.push(all[all.length - 1]!);
  };
  record(() => text.insert(0, 'hello'));
  record(() => text.insert(5, ' world'));
  record(() => text.insert(2, 'héllo wörld 😀 \uFEFF 中文'));
  const map = doc.getMap('m');
  record(() => map.set('n', 1));
  record(() => map.set('values', { f: 1.5, neg: -7, big: 2n ** 60n, s: 'str', list: [null, true, false, 'x', new Uint8Array([1, 2])] }));
  record(() => map.set('nested', new Y.Map()));
  const list = doc.getArray('a');
  record(() => list.insert(0, [1, 'two', { three: 3, none: undefined }, null]));
  record(() => list.insert(0, [new Y.Text('x'), new Y.Array()]));
  const xml = doc.getXmlFragment('x');
  const element = new Y.XmlElement('p');
  // Yjs inserts hooks like elements; its typings leave them out.
  record(() => xml.insert(0, [element, new Y.XmlHook('hook') as unknown as Y.XmlElement]));
  record(() => element.setAttribute('class', 'c'));
  record(() => element.insert(0, [new Y.XmlText('hi')]));
  // Deletions, formats, embeds, binary content and subdocuments.
  text.delete(1, 3);
  text.format(0, 3, { bold: true });
  text.insertEmbed(1, { image: 'x.png' });
  map.set('bytes', new Uint8Array([1, 2, 3]));
  map.set('doc', new Y.Doc());
  map.delete('n');
  all.push(Y.encodeStateAsUpdate(doc));
  // Merging updates with a gap between them makes a Skip.
  all.push(Y.mergeUpdates([all[0]!, all[3]!, all[7]!]));
  all.push(Y.mergeUpdates(all.slice(0, 6)));
  return { typing, all };
}

function verdict(read: () => UpdateOutline): UpdateOutline | 'refused' {
  try {
    return read();
  } catch {
    return 'refused';
  }
}

const reference = (update: Uint8Array): UpdateOutline | 'refused' => verdict(() => outlineOfDecoded(Y.decodeUpdate(update)));

function mutate(update: Uint8Array, next: () => number): Uint8Array {
  const at = Math.floor(next() * update.length);
  const byte = next() < 0.3 ? 0x80 | Math.floor(next() * 128) : Math.floor(next() * 256);
  switch (Math.floor(next() * 4)) {
    case 0: {
      const copy = update.slice();
      copy[at] = byte;
      return copy;
    }
    case 1:
      return update.subarray(0, at);
    case 2:
      return Uint8Array.from([...update.subarray(0, at), byte, ...update.subarray(at)]);
    default:
      return Uint8Array.from([...update.subarray(0, at), ...update.subarray(at + 1)]);
  }
}

describe('outlineUpdate', () => {
  const { typing, all } = corpus();

  it('reads typing, map, array and XML updates itself, with the structs Yjs decodes', () => {
    for (const update of typing) {
      const outline = readUpdateOutline(update);
      expect(outline).not.toBeNull();
      expect(outline).toEqual(reference(update));
      expect(outline!.structs.length).toBeGreaterThan(0);
    }
  });

  it('agrees with Yjs on every kind of update, Skips and deletions included', () => {
    for (const update of all) expect(outlineUpdate(update)).toEqual(reference(update));
    const merged = outlineUpdate(all[all.length - 2]!);
    expect(merged.hasSkip).toBe(true);
    expect(outlineUpdate(all[all.length - 3]!).deletes).toBe(true);
    expect(outlineUpdate(typing[0]!)).toMatchObject({ hasSkip: false, deletes: false });
  });

  it('refuses every prefix Yjs refuses, and accepts the same others', () => {
    for (const update of all) {
      for (let end = 0; end < update.length; end++) {
        const prefix = update.subarray(0, end);
        expect(verdict(() => outlineUpdate(prefix)), `${end} of ${update.length}`).toEqual(reference(prefix));
      }
    }
  });

  it('refuses a nested type Yjs does not know, as Yjs does', () => {
    // One item at the root map "m": info 7 (a type, parent given by name), then the type ref and, for XML elements and hooks, a name.
    const typeItem = (ref: number, name: string | null): Uint8Array => {
      const encoder = encoding.createEncoder();
      for (const n of [1, 1, 9, 0]) encoding.writeVarUint(encoder, n); // one client, one struct, client 9, clock 0
      encoding.writeUint8(encoder, 7);
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarString(encoder, 'm');
      encoding.writeVarUint(encoder, ref);
      if (name !== null) encoding.writeVarString(encoder, name);
      encoding.writeVarUint(encoder, 0); // no deletions
      return encoding.toUint8Array(encoder);
    };
    for (const ref of [0, 1, 2, 3, 4, 5, 6, 7, 8, 127, 128, 2 ** 40]) {
      for (const name of [null, 'p']) {
        const update = typeItem(ref, name);
        expect(verdict(() => outlineUpdate(update)), `ref ${ref}, name ${name}`).toEqual(reference(update));
      }
    }
    expect(verdict(() => outlineUpdate(typeItem(7, null)))).toBe('refused');
    expect(verdict(() => outlineUpdate(typeItem(3, 'p')))).toMatchObject({ structs: [9, 0, 1] });
  });

  it('agrees with Yjs on thousands of mutated updates and on random bytes', () => {
    const next = mulberry32(20261122);
    let refused = 0;
    let accepted = 0;
    for (let round = 0; round < 400; round++) {
      for (const update of all) {
        let mutated = mutate(update, next);
        if (next() < 0.3) mutated = mutate(mutated, next);
        const expected = reference(mutated);
        expect(verdict(() => outlineUpdate(mutated)), Array.from(mutated).join(',')).toEqual(expected);
        if (expected === 'refused') refused++;
        else accepted++;
      }
      const noise = Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256));
      expect(verdict(() => outlineUpdate(noise)), Array.from(noise).join(',')).toEqual(reference(noise));
    }
    // Both verdicts were exercised many times.
    expect(refused).toBeGreaterThan(1_000);
    expect(accepted).toBeGreaterThan(1_000);
  });
});
