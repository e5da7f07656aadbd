import { ChildProperty, ElementType, MeshSchema, ValueProperty, type MeshDocument } from '@convene/client/sync';

/**
 * The schema the document tests share: a `doc` root holding `item`s (label, done, count; items
 * nest) and `text` elements (a Y.XmlText inside, PROTOCOL.md §5.2).
 */
export function listSchema(): MeshSchema {
  return new MeshSchema({
    rootTagName: 'doc',
    elements: [
      new ElementType({ tagName: 'doc', properties: [new ValueProperty({ name: 'title', type: 'string' }), new ChildProperty({ name: 'children', childTagNames: ['item', 'text'] })] }),
      new ElementType({
        tagName: 'item',
        properties: [
          new ValueProperty({ name: 'label', type: 'string' }),
          new ValueProperty({ name: 'done', type: 'boolean' }),
          new ValueProperty({ name: 'count', type: 'number' }),
          new ChildProperty({ name: 'children', childTagNames: ['item'] }),
        ],
      }),
      new ElementType({ tagName: 'text', properties: [] }),
    ],
  });
}

/** The labels of the root's items, in order: what a user would see. */
export function labels(document: MeshDocument): string[] {
  return document.root.getChildren().filter((e) => e.tagName === 'item').map((e) => String(e.getAttribute('label')));
}

/** The labels, sorted, for comparing sets of edits regardless of merge order. */
export function labelSet(document: MeshDocument): string[] {
  return labels(document).sort();
}

/** Polls until `check` passes; throws with the last value when `timeoutMs` runs out. */
export async function until<T>(read: () => T, check: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
