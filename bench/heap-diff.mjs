#!/usr/bin/env node
// Where per-connection memory goes: diffs two V8 heap snapshots (taken by `run.mjs --only=memory
// --heap`) by node type and constructor name, and prints the biggest growth per connection.
//   node bench/heap-diff.mjs before.heapsnapshot after.heapsnapshot [connections] [top]
import { readFileSync } from 'node:fs';

function bySize(path) {
  const snap = JSON.parse(readFileSync(path, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSelf] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const totals = new Map();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]];
    let name = snap.strings[snap.nodes[i + iName]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(strings)';
    else if (type === 'number' || type === 'hidden' || type === 'code') name = `(${type})`;
    else if (name.length > 60) name = `${name.slice(0, 57)}…`;
    const key = `${type}: ${name}`;
    const self = snap.nodes[i + iSelf];
    total += self;
    const entry = totals.get(key) ?? { size: 0, count: 0 };
    entry.size += self;
    entry.count++;
    totals.set(key, entry);
  }
  return { totals, total };
}

export function heapDiff(beforePath, afterPath, connections = 1, top = 25) {
  const before = bySize(beforePath);
  const after = bySize(afterPath);
  const rows = [];
  for (const [key, a] of after.totals) {
    const b = before.totals.get(key) ?? { size: 0, count: 0 };
    rows.push({ key, bytesPerConn: (a.size - b.size) / connections, countPerConn: (a.count - b.count) / connections });
  }
  rows.sort((x, y) => y.bytesPerConn - x.bytesPerConn);
  return { totalPerConn: (after.total - before.total) / connections, rows: rows.slice(0, top) };
}

if (process.argv[1]?.endsWith('heap-diff.mjs')) {
  const [before, after, connections = '1', top = '25'] = process.argv.slice(2);
  const { totalPerConn, rows } = heapDiff(before, after, Number(connections), Number(top));
  process.stdout.write(`heap growth per connection: ${totalPerConn.toFixed(0)} B\n`);
  for (const r of rows) process.stdout.write(`${r.bytesPerConn.toFixed(0).padStart(7)} B  ${r.countPerConn.toFixed(2).padStart(6)} objs  ${r.key}\n`);
}
