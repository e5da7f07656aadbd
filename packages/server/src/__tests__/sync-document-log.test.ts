import { describe, expect, it } from 'vitest';
import { decodeDocumentFile } from '../toolkits/sync/document-file.js';
import { DocumentLog } from '../toolkits/sync/document-log.js';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const schema = { root: { tag: 'doc' } };

describe('DocumentLog', () => {
  it('writes the stored records and every appended update, in order, past several growths of its buffer', () => {
    const log = new DocumentLog([bytes(10, 1)]);
    const appended = Array.from({ length: 300 }, (_, i) => bytes(1 + ((i * 37) % 200), i & 0xff));
    for (const update of appended) log.append(update);
    const file = decodeDocumentFile(log.file(schema));
    expect(file.complete).toBe(true);
    expect(file.schema).toEqual(schema);
    expect(file.updates).toEqual([bytes(10, 1), ...appended]);
  });

  it('keeps only the state after a compaction, and appends after it', () => {
    const log = new DocumentLog(null);
    expect(log.needsCompaction).toBe(true);
    log.append(bytes(5, 9));
    log.compact(bytes(7, 3));
    expect(log.needsCompaction).toBe(false);
    log.append(bytes(2, 4));
    expect(decodeDocumentFile(log.file(null)).updates).toEqual([bytes(7, 3), bytes(2, 4)]);
  });

  it('asks for a compaction once the updates outgrow both the state and 64 KiB', () => {
    const log = new DocumentLog([bytes(100, 1)]);
    for (let i = 0; i < 64; i++) log.append(bytes(1_000, 2));
    expect(log.needsCompaction).toBe(false);
    log.append(bytes(2_000, 2));
    expect(log.needsCompaction).toBe(true);
  });

  it('a file written before an append is not changed by it', () => {
    const log = new DocumentLog([bytes(3, 1)]);
    const before = log.file(null);
    const copy = before.slice();
    log.append(bytes(4, 2));
    expect(before).toEqual(copy);
  });

  it('writes whole first, then only the records since the last write that landed', () => {
    const log = new DocumentLog([bytes(3, 1)]);
    const first = log.nextWrite(schema, true);
    expect(first.append).toBe(false);
    log.append(bytes(2, 2)); // arrives while the first write is in flight
    log.written(first);
    const second = log.nextWrite(schema, true);
    expect(second.append).toBe(true);
    expect(decodeDocumentFile(concat(first.data, second.data)).updates).toEqual([bytes(3, 1), bytes(2, 2)]);
    log.written(second);
    expect(log.nextWrite(schema, true).data).toHaveLength(0);
  });

  it('writes whole again after a failed write, a compaction, a new schema, or on storage that cannot append', () => {
    const landed = () => {
      const log = new DocumentLog([bytes(3, 1)]);
      log.written(log.nextWrite(schema, true));
      log.append(bytes(2, 2));
      return log;
    };
    const failed = landed();
    failed.writeFailed();
    expect(failed.nextWrite(schema, true).append).toBe(false);
    const compacted = landed();
    compacted.compact(bytes(4, 4));
    expect(compacted.nextWrite(schema, true).append).toBe(false);
    expect(landed().nextWrite({ ...schema }, true).append).toBe(false);
    expect(landed().nextWrite(schema, false).append).toBe(false);
    expect(landed().nextWrite(schema, true).append).toBe(true);
  });

  it('a whole file can stop at an earlier record', () => {
    const log = new DocumentLog([bytes(3, 1)]);
    const end = log.nextWrite(null, false).end;
    log.append(bytes(2, 2));
    expect(decodeDocumentFile(log.file(null, end)).updates).toEqual([bytes(3, 1)]);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
