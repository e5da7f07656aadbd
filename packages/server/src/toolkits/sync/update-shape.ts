import * as Y from 'yjs';

/** What the relay needs to know of a Yjs v1 update to tell whether it only appends. */
export interface UpdateShape {
  /** Flat triples `client, first clock, end clock`: one per group of structs, in the update's order. */
  runs: number[];
  /** The delete set is not empty. */
  deletes: boolean;
  /** It holds `Skip` structs (gaps in a merged update), which only Yjs can place. */
  skips: boolean;
}

/**
 * Reads an update's shape, throwing exactly when `Y.decodeUpdate` would. The common updates
 * (text, formatting, elements, deletions) are read by {@link scanUpdate} without building Yjs'
 * object graph: `Y.decodeUpdate` made an Item, an ID and a content object per struct of every edit
 * the server relays, a measurable part of its CPU per edit. Anything that scanner does not know
 * goes through `Y.decodeUpdate`.
 */
export function readUpdateShape(update: Uint8Array): UpdateShape {
  return scanUpdate(update) ?? shapeOf(Y.decodeUpdate(update));
}

function shapeOf({ structs, ds }: ReturnType<typeof Y.decodeUpdate>): UpdateShape {
  const runs: number[] = [];
  let skips = false;
  let client = -1;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) skips = true;
    const { id } = struct;
    // A v1 update lists each client's structs together and in clock order.
    if (id.client !== client || runs.length === 0) {
      client = id.client;
      runs.push(client, id.clock, id.clock + struct.length);
    } else runs[runs.length - 1] = id.clock + struct.length;
  }
  return { runs, deletes: ds.clients.size > 0, skips };
}

/** Thrown inside the scanner for anything it leaves to Yjs. */
const BAIL: unique symbol = Symbol('bail');

/** lib0's string decoder: Yjs refuses text that is not UTF-8, and keeps a BOM as a character. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** lib0 `readVarUint`. */
  varUint(): number {
    const bytes = this.bytes;
    let num = 0;
    let mult = 1;
    while (this.pos < bytes.length) {
      const r = bytes[this.pos++]!;
      num += (r & 0x7f) * mult;
      mult *= 128;
      if (r < 0x80) return num;
      if (num > Number.MAX_SAFE_INTEGER) throw BAIL;
    }
    throw BAIL;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw BAIL;
    return this.bytes[this.pos++]!;
  }

  /** lib0 `readVarUint8Array`, refusing what runs past the update (lib0 would read past it). */
  varBytes(): Uint8Array {
    const length = this.varUint();
    if (length > this.bytes.length - this.pos) throw BAIL;
    const view = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  /** lib0 `readVarString`; throws (to Yjs) on text that is not UTF-8. */
  string(): string {
    try {
      return utf8.decode(this.varBytes());
    } catch {
      throw BAIL;
    }
  }

  /** `decoder.readJSON()`: the value must parse. */
  json(): void {
    try {
      JSON.parse(this.string());
    } catch {
      throw BAIL;
    }
  }
}

/** Yjs content refs (`info & 0x1f`) the scanner reads; the others go to Yjs. */
const GC = 0;
const DELETED = 1;
const BINARY = 3;
const STRING = 4;
const EMBED = 5;
const FORMAT = 6;
const TYPE = 7;
const SKIP_INFO = 10;
/** `readContentType`'s type refs: 0–6 are Yjs types; XmlElement (3) and XmlHook (5) carry a name. */
const XML_ELEMENT = 3;
const XML_HOOK = 5;
const MAX_TYPE_REF = 6;

/**
 * The shape of a v1 update, read as Yjs' `lazyStructReaderGenerator` and `readDeleteSet` read it;
 * null for anything it does not handle (other content, a malformed or truncated update), which
 * `Y.decodeUpdate` then decides. When it returns a shape, `Y.decodeUpdate` accepts the update and
 * finds the same structs (a property test holds the two side by side).
 */
export function scanUpdate(update: Uint8Array): UpdateShape | null {
  const r = new Reader(update);
  try {
    const runs: number[] = [];
    let skips = false;
    const groups = r.varUint();
    for (let g = 0; g < groups; g++) {
      const count = r.varUint();
      const client = r.varUint();
      const first = r.varUint();
      let clock = first;
      for (let s = 0; s < count; s++) {
        const info = r.byte();
        if (info === SKIP_INFO) {
          skips = true;
          clock += r.varUint();
          continue;
        }
        const ref = info & 0x1f;
        if (ref === GC) {
          clock += r.varUint();
          continue;
        }
        if ((info & 0x80) !== 0) (r.varUint(), r.varUint()); // origin
        if ((info & 0x40) !== 0) (r.varUint(), r.varUint()); // right origin
        if ((info & 0xc0) === 0) {
          if (r.varUint() === 1) r.string(); // parent: a root type's name
          else (r.varUint(), r.varUint()); // or the ID of its item
          if ((info & 0x20) !== 0) r.string(); // parentSub
        }
        clock += contentLength(r, ref);
      }
      // Structs follow one another in a group, so the group is one run (an empty group too, as in `shapeOf`'s absence of structs).
      if (count > 0) runs.push(client, first, clock);
    }
    let deletes = false;
    const deleteClients = r.varUint();
    for (let c = 0; c < deleteClients; c++) {
      r.varUint(); // client
      const ranges = r.varUint();
      if (ranges > 0) deletes = true;
      for (let k = 0; k < ranges; k++) (r.varUint(), r.varUint()); // clock, length
    }
    return { runs: mergeRuns(runs), deletes, skips };
  } catch (error) {
    if (error === BAIL) return null;
    throw error;
  }
}

/** Reads one item's content; returns its length (Yjs' `getLength`). */
function contentLength(r: Reader, ref: number): number {
  switch (ref) {
    case DELETED:
      return r.varUint();
    case BINARY:
      r.varBytes();
      return 1;
    case STRING:
      return r.string().length;
    case EMBED:
      r.json();
      return 1;
    case FORMAT:
      r.string();
      r.json();
      return 1;
    case TYPE: {
      const typeRef = r.varUint();
      if (typeRef > MAX_TYPE_REF) throw BAIL;
      if (typeRef === XML_ELEMENT || typeRef === XML_HOOK) r.string();
      return 1;
    }
    default:
      throw BAIL; // JSON, Any, Doc and unknown refs: Yjs reads them
  }
}

/** `shapeOf` starts a run when the client changes: consecutive groups of one client are one run. */
function mergeRuns(runs: number[]): number[] {
  for (let i = 3; i < runs.length; i += 3) {
    if (runs[i] === runs[i - 3]) {
      runs[i - 1] = runs[i + 2]!;
      runs.splice(i, 3);
      i -= 3;
    }
  }
  return runs;
}
