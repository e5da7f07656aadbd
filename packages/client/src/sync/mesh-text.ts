import type * as Y from 'yjs';

/** Formatting of a run of text (bold, link, …), as Yjs deltas carry it. */
export type TextAttributes = Record<string, string | number | boolean | null>;

/** One run of a text's content. */
export interface TextDeltaItem {
  insert: string;
  attributes?: TextAttributes;
}

/**
 * The text of a `text` element (a `Y.XmlText`, PROTOCOL.md §5.2). Edits merge character by
 * character with everyone else's.
 *
 * @example
 * const body = doc.root.createChildElement('text', {}).text!;
 * body.insert(0, 'Hello');
 * body.format(0, 5, { bold: true });
 */
export class MeshText {
  readonly #text: Y.XmlText;
  readonly #guard: () => void;

  /** @internal Created by `MeshElement.text`. */
  constructor(text: Y.XmlText, guard: () => void) {
    this.#text = text;
    this.#guard = guard;
  }

  get length(): number {
    return this.#text.length;
  }

  toString(): string {
    return this.#text.toString();
  }

  toDelta(): TextDeltaItem[] {
    return this.#text.toDelta() as TextDeltaItem[];
  }

  insert(index: number, text: string, attributes?: TextAttributes): void {
    this.#guard();
    this.#text.insert(clamp(index, this.#text.length), text, attributes);
  }

  delete(index: number, length: number): void {
    this.#guard();
    const start = clamp(index, this.#text.length);
    this.#text.delete(start, Math.max(0, Math.min(length, this.#text.length - start)));
  }

  format(index: number, length: number, attributes: TextAttributes): void {
    this.#guard();
    this.#text.format(clamp(index, this.#text.length), Math.max(0, length), attributes);
  }
}

function clamp(index: number, length: number): number {
  return Math.max(0, Math.min(Math.trunc(index), length));
}
