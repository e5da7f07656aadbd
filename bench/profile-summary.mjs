#!/usr/bin/env node
// Summarizes V8 .cpuprofile files (from `node --cpu-prof`, written by `run.mjs --profile`): for each
// server kind, the share of busy (non-idle) CPU by code area and the top functions by self time,
// plus inclusive time for the functions that matter for the targets.
//   node bench/profile-summary.mjs <dir>
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function area(url, name) {
  if (!url) return name.startsWith('(') ? name : 'native';
  if (url.includes('/node_modules/ws/') || url.includes('/node_modules/@y/websocket-server/node_modules/ws/')) return 'ws';
  if (url.includes('/node_modules/yjs/')) return 'yjs';
  if (url.includes('/node_modules/lib0/')) return 'lib0';
  if (url.includes('/node_modules/y-protocols/') || url.includes('/node_modules/@y/')) return 'y-protocols / y-websocket';
  if (url.includes('/packages/server/')) return 'convene server';
  if (url.includes('/packages/protocol/')) return 'convene protocol';
  if (url.includes('/bench/')) return 'bench';
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/node_modules/')) return url.split('/node_modules/').pop().split('/').slice(0, url.includes('/node_modules/@') ? 2 : 1).join('/');
  return 'other';
}

function analyze(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
  const selfByFn = new Map();
  const inclusiveByFn = new Map();
  const areas = new Map();
  // The profiler's own start-up (the IPC command that started it) is not the measured code.
  const ownFrames = new Set(['profileStart', 'profileStop']);
  const own = new Map();
  const isOwn = (id) => {
    if (own.has(id)) return own.get(id);
    const n = byId.get(id);
    const parentId = parent.get(id);
    const value = ownFrames.has(n.callFrame.functionName) || (parentId !== undefined && isOwn(parentId));
    own.set(id, value);
    return value;
  };
  let busy = 0;
  for (const [id, t] of self) {
    const n = byId.get(id);
    const name = n.callFrame.functionName;
    if (name === '(idle)' || isOwn(id)) continue;
    busy += t;
    selfByFn.set(key(n), (selfByFn.get(key(n)) ?? 0) + t);
    const a = area(n.callFrame.url, name);
    areas.set(a, (areas.get(a) ?? 0) + t);
    // Inclusive: credit every distinct function on the stack once.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusiveByFn.set(k, (inclusiveByFn.get(k) ?? 0) + t);
    }
  }
  return { busy, selfByFn, inclusiveByFn, areas };
}

function merge(into, from) {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function profiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...profiles(path).map((p) => ({ ...p, group: p.group ?? name })));
    else if (name.endsWith('.cpuprofile')) out.push({ path });
  }
  return out;
}

const top = (map, busy, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => ({ fn: k, pct: Number(((100 * v) / busy).toFixed(1)) }));

/** Groups profiles by directory (e.g. `convene-ramp10`), merged; returns JSON plus a text report. */
export function summarizeProfiles(dir, { topN = 12 } = {}) {
  const groups = new Map();
  for (const p of profiles(dir)) {
    const g = groups.get(p.group) ?? { busy: 0, selfByFn: new Map(), inclusiveByFn: new Map(), areas: new Map(), files: 0 };
    const a = analyze(p.path);
    g.busy += a.busy;
    merge(g.selfByFn, a.selfByFn);
    merge(g.inclusiveByFn, a.inclusiveByFn);
    merge(g.areas, a.areas);
    g.files++;
    groups.set(p.group, g);
  }
  const summary = {};
  const lines = [];
  for (const [name, g] of [...groups].sort()) {
    summary[name] = {
      busyMs: Math.round(g.busy / 1000),
      areas: top(g.areas, g.busy, 20),
      self: top(g.selfByFn, g.busy, topN),
      inclusive: top(g.inclusiveByFn, g.busy, topN * 2).filter((e) => !/^\((root|program)\)/.test(e.fn)),
    };
    lines.push(`### profile ${name} (${g.files} process(es), ${summary[name].busyMs} ms busy CPU)`);
    lines.push(`areas: ${summary[name].areas.map((a) => `${a.fn} ${a.pct}%`).join(', ')}`);
    lines.push(`self:  ${summary[name].self.map((a) => `${a.fn} ${a.pct}%`).join('; ')}`);
    lines.push(`incl.: ${summary[name].inclusive.slice(0, topN).map((a) => `${a.fn} ${a.pct}%`).join('; ')}`);
    lines.push('');
  }
  return { groups: summary, text: lines.join('\n') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node bench/profile-summary.mjs <dir with .cpuprofile files>\n');
    process.exit(2);
  }
  const { text, groups } = summarizeProfiles(dir, { topN: Number(process.argv[3] ?? 12) });
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(groups, null, 1)}\n` : `${text}\n`);
}
