// The document every document scenario edits: a `doc` root holding one `text` element, which
// starts with one 8-character chunk so the inserts that follow stay 8-aligned.
import { ChildProperty, ElementType, MeshSchema } from '@convene/client/node';

export const INITIAL_TEXT = '........';

export const docSchema = () =>
  new MeshSchema({
    rootTagName: 'doc',
    elements: [
      new ElementType({ tagName: 'doc', properties: [new ChildProperty({ name: 'children', childTagNames: ['text'] })] }),
      new ElementType({ tagName: 'text', properties: [] }),
    ],
  });

/** `initialJson` for `sync.open`: the root with its text element. */
export const initialDoc = () => ({ doc: { children: [{ text: { $text: INITIAL_TEXT } }] } });
