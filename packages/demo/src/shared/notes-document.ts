import { ChildProperty, ElementType, MeshSchema, type ElementJson, type MeshDocument, type MeshText } from '@convene/client/sync';

/** The room's one shared notes document; the page and the Helper agent both open it. */
export const NOTES_PATH = 'notes/shared.notes';

/**
 * A `notes` root with `text` children. Only the first `text` child is shown and edited: a list
 * (rather than a single value) keeps the schema open for more sections later.
 */
export const NOTES_SCHEMA = new MeshSchema({
  rootTagName: 'notes',
  elements: [
    new ElementType({ tagName: 'notes', properties: [new ChildProperty({ name: 'children', childTagNames: ['text'] })] }),
    new ElementType({ tagName: 'text', properties: [] }),
  ],
});

/**
 * What the document starts with. The server creates it from this JSON exactly once, so two tabs
 * opening a new room at the same moment still end up with a single `text` element.
 */
export const NOTES_INITIAL_JSON: ElementJson = { notes: { children: [{ text: { $text: '' } }] } };

/** The notes' text, or null when the document has no `text` element (made by another client). */
export function notesText(document: MeshDocument): MeshText | null {
  for (const child of document.root.getChildren()) {
    if (child.tagName === 'text') return child.text;
  }
  return null;
}

/** The notes' text, adding the `text` element first if someone created the document without it. */
export function ensureNotesText(document: MeshDocument): MeshText {
  return notesText(document) ?? document.root.createChildElement('text').text!;
}
