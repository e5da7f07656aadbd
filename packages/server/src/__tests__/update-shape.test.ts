import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readUpdateShape, scanUpdate, type UpdateShape } from '../toolkits/sync/update-shape.js';

/** The shape Yjs' own decoder gives, or 'throws'. */
function yjsShape(update: Uint8Array): UpdateShape | 'throws' {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return 'throws';
  }
  const runs: number[] = [];
  let client = -1;
  for (const struct of decoded.structs) {
    if (struct.id.client !== client || runs.length === 0) {
      client = struct.id.client;
      runs.push(client, struct.id.clock, struct.id.clock + struct.length);
    } else runs[runs.length - 1] = struct.id.clock + struct.length;
  }
  return { runs, deletes: decoded.ds.clients.size > 0, skips: decoded.structs.some((s) => s instanceof Y.Skip) };
}

/** A small seeded generator, so a failure names the seed that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TEXTS = ['a', 'hello', 'é', '日本語', '😀', 'x😀y', '\uFEFFbom', '', 'tab\tnew\nline'];

/** Real updates from random edits of every kind of content, from several clients. */
function realUpdates(seed: number, steps: number): Uint8Array[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const updates: Uint8Array[] = [];
  docs.forEach((doc, i) =>
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'sync') return;
      updates.push(u);
      docs.forEach((other, j) => j !== i && Y.applyUpdate(other, u, 'sync'));
    }),
  );
  for (let step = 0; step < steps; step++) {
    const doc = pick(docs);
    const text = doc.getText('t');
    const xml = doc.get('xml', Y.XmlElement);
    const map = doc.getMap('m');
    const array = doc.getArray<unknown>('a');
    const action = Math.floor(next() * 12);
    doc.transact(() => {
      if (action === 0) text.insert(Math.floor(next() * (text.length + 1)), pick(TEXTS));
      else if (action === 1 && text.length > 0) text.delete(Math.floor(next() * text.length), 1);
      else if (action === 2 && text.length > 1) text.format(0, Math.min(2, text.length), { bold: next() < 0.5 ? true : null });
      else if (action === 3) text.insertEmbed(text.length, { image: 'x.png' });
      else if (action === 4) {
        const element = new Y.XmlElement(pick(['item', 'p']));
        element.setAttribute('label', pick(TEXTS));
        xml.insert(0, [element, new Y.XmlText(pick(TEXTS))]);
      } else if (action === 5) map.set(pick(['k', 'l']), pick([1, 'two', null, true, { nested: [1, 2] }]));
      else if (action === 6) array.insert(0, [pick([1, 'two', new Uint8Array([1, 2]), { a: 1 }])]);
      else if (action === 7) map.set('sub', new Y.Map());
      else if (action === 8) array.insert(array.length, [new Y.Doc()]);
      else if (action === 9 && array.length > 0) array.delete(0, 1);
      else if (action === 10) xml.insert(0, [new Y.XmlHook('hook')]);
      else text.insert(text.length, pick(TEXTS) + pick(TEXTS));
    });
  }
  // Merged updates (from a state vector) carry Skip structs and several clients.
  updates.push(Y.encodeStateAsUpdate(docs[0]!), Y.mergeUpdates(updates.filter((_, i) => i % 3 === 0)));
  return updates;
}

describe('readUpdateShape', () => {
  it('reads every real update as Yjs does, scanning text, formats, embeds, elements, hooks and deletions itself', () => {
    let scanned = 0;
    for (const seed of [1, 2, 3, 4]) {
      for (const update of realUpdates(seed, 150)) {
        const shape = scanUpdate(update);
        if (shape !== null) {
          scanned++;
          expect(shape, `seed ${seed}`).toEqual(yjsShape(update));
        }
        expect(readUpdateShape(update), `seed ${seed}`).toEqual(yjsShape(update));
      }
    }
    expect(scanned).toBeGreaterThan(300); // the fast path is taken for most edits
  });

  it('agrees with Yjs on damaged updates: whenever it reads one, Yjs reads the same; otherwise it throws as Yjs does', () => {
    const next = random(99);
    const originals = realUpdates(7, 80);
    let checked = 0;
    for (let round = 0; round < 3000; round++) {
      const original = originals[Math.floor(next() * originals.length)]!;
      const damaged = Uint8Array.from(original);
      const kind = Math.floor(next() * 3);
      if (kind === 0) damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256);
      const bytes = kind === 1 ? damaged.subarray(0, Math.floor(next() * damaged.length)) : kind === 2 ? Uint8Array.from([...damaged, Math.floor(next() * 256)]) : damaged;
      const yjs = yjsShape(bytes);
      const scan = scanUpdate(bytes);
      if (scan !== null) expect(scan).toEqual(yjs);
      if (yjs === 'throws') expect(() => readUpdateShape(bytes)).toThrow();
      else expect(readUpdateShape(bytes)).toEqual(yjs);
      checked++;
    }
    expect(checked).toBe(3000);
  });

  it('refuses garbage', () => {
    for (const garbage of [new Uint8Array([1]), new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 255]), new Uint8Array([1, 1, 5, 0, 4, 200])]) {
      expect(() => readUpdateShape(garbage)).toThrow();
    }
  });
});
