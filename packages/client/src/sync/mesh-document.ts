import type { ConveneError } from '@convene/protocol';
import * as Y from 'yjs';
import { Emitter, type Listener } from '../event-emitter.js';
import { elementToJson, type ElementJson, type ToJsonOptions } from './document-json.js';
import { MeshElement } from './mesh-element.js';
import type { MeshSchema } from './mesh-schema.js';

export interface DocumentChangeEvent {
  /** True for changes made through this document; false for changes from the room. */
  local: boolean;
}

export type MeshDocumentEvents = {
  /** The document changed (after the whole transaction). */
  change: DocumentChangeEvent;
  /** The room refused something about this document (e.g. an edit without the write grant). */
  error: ConveneError;
};

const SNAPSHOT_OPTIONS: ToJsonOptions = { includeIds: true, includeText: true };

/**
 * A shared document on Yjs (PROTOCOL.md §5.2): the Y.Doc's `xml` element is the schema's root.
 * Local changes are checked against the schema, then sent to the room; changes from the room
 * apply here. `snapshot` is an immutable JSON view that keeps its reference (and the references
 * of unchanged subtrees) until the document changes, so it works with `useSyncExternalStore`.
 *
 * @example
 * const doc = await room.sync.open('lists/groceries.list', { schema });
 * doc.root.createChildElement('item', { label: 'milk' });
 * const off = doc.subscribe(() => render(doc.snapshot));
 */
export class MeshDocument {
  /** The normalized path, or `""` for a document that is not in a room. */
  readonly path: string;
  readonly schema: MeshSchema;
  readonly ydoc: Y.Doc;
  /** @internal The Yjs element behind `root`. */
  readonly rootElement: Y.XmlElement;
  readonly #events = new Emitter<MeshDocumentEvents>();
  readonly #elements = new WeakMap<Y.XmlElement, MeshElement>();
  readonly #json = new WeakMap<Y.XmlElement, ElementJson>();
  #snapshot: ElementJson | null = null;
  #watching = false;

  constructor(options: { schema: MeshSchema; path?: string; ydoc?: Y.Doc }) {
    this.schema = options.schema;
    this.path = options.path ?? '';
    this.ydoc = options.ydoc ?? new Y.Doc();
    this.rootElement = this.ydoc.get('xml', Y.XmlElement);
  }

  /**
   * Observes the document once someone needs to hear of changes (a `change` listener or a
   * snapshot whose caches must be dropped). Until then Yjs builds no events for remote edits.
   */
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.rootElement.observeDeep((events, transaction) => {
      // Only the changed elements and their ancestors get new JSON; the rest is reused.
      for (const event of events) {
        for (let type: Y.AbstractType<unknown> | null = event.target; type !== null; type = type.parent) {
          if (type instanceof Y.XmlElement) this.#json.delete(type);
        }
      }
      this.#snapshot = null;
      this.#events.emit('change', { local: transaction.local });
    });
  }

  get root(): MeshElement {
    return this.elementFor(this.rootElement);
  }

  /** The element with this `$id`, anywhere in the document. */
  getElementById(id: string): MeshElement | null {
    return this.root.getElementById(id);
  }

  /** The whole document as frozen JSON, with `$id`s and text (`$text`); same reference until a change. */
  get snapshot(): ElementJson {
    this.#watch();
    return (this.#snapshot ??= elementToJson(this.rootElement, this.schema.rootTagName, this.schema, SNAPSHOT_OPTIONS, this.#json));
  }

  /** The document in MeshAgent's JSON shape (the form `initialJson` and `sync.create` take). */
  toJson(options: ToJsonOptions = {}): ElementJson {
    return elementToJson(this.rootElement, this.schema.rootTagName, this.schema, options);
  }

  /** Runs several changes as one transaction: one change event, one update to the room. */
  transact(run: () => void): void {
    this.ydoc.transact(run);
  }

  on<K extends keyof MeshDocumentEvents>(event: K, listener: Listener<MeshDocumentEvents[K]>): () => void {
    if (event === 'change') this.#watch();
    return this.#events.on(event, listener);
  }

  off<K extends keyof MeshDocumentEvents>(event: K, listener: Listener<MeshDocumentEvents[K]>): void {
    this.#events.off(event, listener);
  }

  /** For `useSyncExternalStore`: `onChange` runs after every change; returns the unsubscribe. */
  subscribe = (onChange: () => void): (() => void) => this.on('change', () => onChange());

  /** @internal The wrapper of a Yjs element of this document (one per element, so identity holds). */
  elementFor(element: Y.XmlElement): MeshElement {
    let wrapper = this.#elements.get(element);
    if (!wrapper) {
      const tagName = element === this.rootElement ? this.schema.rootTagName : element.nodeName;
      this.#elements.set(element, (wrapper = new MeshElement(this, element, tagName)));
    }
    return wrapper;
  }

  /** @internal The sync client reports what the room refused. */
  reportError(error: ConveneError): void {
    this.#events.emit('error', error);
  }
}
