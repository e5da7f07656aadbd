#!/usr/bin/env node
// Convene performance harness (issue #6). Every server and every group of clients runs in its own
// process (own process group, killed on exit); figures are reported as ratios against baselines
// run in the same invocation — a raw `ws` relay, and y-websocket's server for documents — because
// absolute numbers drift on a shared machine. See bench/RESULTS.md for what each scenario does.
//
//   node bench/run.mjs            full run (about 20 minutes)
//   node bench/run.mjs --quick    every scenario, shorter and one repetition (under 3 minutes)
//   node bench/run.mjs --smoke    tiny sizes, seconds: checks that the harness works (npm test)
// Options: --only=fanout,direct,throughput,docs,docs-throughput,memory,bundle,react
//          --reps=N  --json=PATH  --no-build  --profile (servers and clients under --cpu-prof,
//          summarized)  --heap (memory scenario: heap snapshots of the servers, diffed by type)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { bundleSizes, label } from './bundle-size.mjs';
import { benchDir, settings } from './lib/harness.mjs';
import { fmt, median, percentile, ratio } from './lib/stats.mjs';
import { direct, fanout, ramp } from './scenarios/messaging.mjs';
import { docLatency, docRamp } from './scenarios/docs.mjs';
import { idleMemory } from './scenarios/memory.mjs';
import { reactRenders } from './scenarios/react.mjs';
import { summarizeProfiles } from './profile-summary.mjs';
import { heapDiff } from './heap-diff.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const mode = flag('smoke') ? 'smoke' : flag('quick') ? 'quick' : 'full';
const only = option('only')?.split(',');
const root = join(benchDir, '..');

const MODES = {
  full: {
    reps: 3,
    fanout: { ns: [2, 10, 50, 200], rate: 50, durationMs: 10_000, warmupMs: 2_000 },
    direct: { n: 10, rate: 50, durationMs: 10_000, warmupMs: 2_000 },
    throughput: { n: 10, startRate: 250, factor: 1.5, refine: 2, maxRate: 100_000, stepMs: 3_000, warmupMs: 500, cpuRate: 500, cpuMs: 8_000, warmFactor: 5, warmMs: 3_000, cpuMaxRounds: 6 },
    docs: { ns: [2, 10, 50], rate: 50, durationMs: 10_000, warmupMs: 2_000 },
    docsThroughput: { n: 10, startRate: 50, factor: 1.5, refine: 2, maxRate: 20_000, stepMs: 3_000, warmupMs: 500, cpuRate: 100, cpuMs: 8_000, warmFactor: 5, warmMs: 3_000, cpuMaxRounds: 6 },
    memory: { connections: 1_000, rooms: 10, reps: 3 },
    react: { participants: 200, active: 50, tickHz: 20, perTick: 5, messagesPerSec: 10, durationMs: 10_000 },
  },
  quick: {
    reps: 1,
    fanout: { ns: [2, 10, 50, 200], rate: 50, durationMs: 2_000, warmupMs: 500 },
    direct: { n: 10, rate: 50, durationMs: 2_000, warmupMs: 500 },
    throughput: { n: 10, startRate: 1_000, factor: 2, refine: 1, maxRate: 100_000, stepMs: 800, warmupMs: 200, cpuRate: 500, cpuMs: 1_500, warmFactor: 5, warmMs: 1_500, cpuMaxRounds: 2 },
    docs: { ns: [2, 10, 50], rate: 50, durationMs: 2_000, warmupMs: 500 },
    docsThroughput: { n: 10, startRate: 200, factor: 2, refine: 1, maxRate: 20_000, stepMs: 800, warmupMs: 200, cpuRate: 100, cpuMs: 1_500, warmFactor: 5, warmMs: 1_500, cpuMaxRounds: 2 },
    memory: { connections: 1_000, rooms: 10, reps: 1 },
    react: { participants: 200, active: 50, tickHz: 20, perTick: 5, messagesPerSec: 10, durationMs: 2_000 },
  },
  smoke: {
    reps: 1,
    fanout: { ns: [3], rate: 50, durationMs: 600, warmupMs: 200 },
    direct: { n: 3, rate: 50, durationMs: 600, warmupMs: 200 },
    throughput: { n: 3, startRate: 100, factor: 2, maxRate: 100, stepMs: 400, warmupMs: 100, cpuRate: 100, cpuMs: 400, cpuMaxRounds: 1 },
    docs: { ns: [2], rate: 50, durationMs: 600, warmupMs: 200 },
    docsThroughput: { n: 3, startRate: 30, factor: 2, maxRate: 30, stepMs: 400, warmupMs: 100, cpuRate: 30, cpuMs: 400, cpuMaxRounds: 1 },
    memory: { connections: 20, rooms: 2, reps: 1 },
    react: { participants: 10, active: 4, tickHz: 20, perTick: 2, messagesPerSec: 5, durationMs: 600 },
  },
};
const cfg = MODES[mode];
if (mode === 'smoke') Object.assign(settings, { quietMs: 150, pauseMs: 200 });
if (mode === 'quick') Object.assign(settings, { quietMs: 300, pauseMs: 500 });
const reps = Number(option('reps') ?? cfg.reps);
const want = (name) => !only || only.includes(name);
const log = (line) => process.stderr.write(`${line}\n`);

function build() {
  if (flag('no-build')) return;
  log('bench: building protocol, client, server, react (tsc -b)…');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/protocol', 'packages/client', 'packages/server', 'packages/react'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const missing = ['protocol', 'client', 'server', 'react'].filter((p) => !existsSync(join(root, `packages/${p}/dist/index.js`)));
    if (missing.length) throw new Error(`build failed and no dist for ${missing.join(', ')}: ${error.stdout ?? error.message}`);
    log('bench: WARNING: tsc -b reported errors; running on the dist that is there');
  }
}

/**
 * Runs `measure(target)` for every target, `reps` times, alternating the order per repetition.
 * Returns { [target]: [result per rep] }.
 */
async function repeated(label, targets, measure, n = reps) {
  const out = Object.fromEntries(targets.map((t) => [t, []]));
  for (let rep = 0; rep < n; rep++) {
    const order = rep % 2 ? [...targets].reverse() : targets;
    for (const target of order) {
      const t0 = performance.now();
      const result = await measure(target, rep);
      out[target].push(result);
      log(`bench: ${label} ${target} rep ${rep + 1}/${n} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  return out;
}

/** Median absolute values and median of per-repetition ratios against each baseline. */
function compare(runs, metric, baselines) {
  const values = (t) => (runs[t] ?? []).map((r) => r[metric]);
  const row = { convene: median(values('convene')) };
  for (const base of baselines) {
    row[base] = median(values(base));
    row[`x${base}`] = median(values('convene').map((v, i) => ratio(v, values(base)[i])));
  }
  return row;
}

/**
 * p99 over the deliveries of every repetition together (information). One repetition's p99 at
 * 50 messages/s rests on its few slowest messages, so the per-repetition values swing 2–3×.
 * Drops the latencies from the runs afterwards: they are not written to the JSON.
 */
function pooledP99(runs, baselines) {
  const p99 = (t) => percentile((runs[t] ?? []).flatMap((r) => r.latencies ?? []), 99);
  const row = { convene: p99('convene') };
  for (const base of baselines) {
    row[base] = p99(base);
    row[`x${base}`] = ratio(row.convene, row[base]);
  }
  for (const list of Object.values(runs)) for (const run of list) delete run.latencies;
  return row;
}
const POOLED = "p99 of all repetitions' deliveries pooled (info)";

const results = { mode, reps, startedAt: new Date().toISOString(), machine: machine(), scenarios: {} };
const rows = [];
/** One line of the table: values, ratios, target (`{ vs, max | min }`) and whether it holds. */
/** How the CPU window was warmed up, for its row's label. */
function warmNote({ warmFactor, warmMs }) {
  return warmFactor && warmMs ? `, after ${warmMs / 1000} s at ${warmFactor}×, repeated until the JIT is idle` : '';
}

/** Information rows under a CPU window: how many rounds it took, and how busy the server's other threads still were in it. */
function jitRows(rows, scenario, runs, baselines) {
  addRow(rows, scenario, 'rounds of warm-up and window until the JIT was idle (info)', '', compare(runs, 'rounds', baselines));
  const share = pct(compare(runs, 'backgroundShare', baselines));
  // Per-thread CPU comes from Linux's /proc; elsewhere there is no figure to show.
  if (Number.isFinite(share.convene)) addRow(rows, scenario, "server's background threads (JIT, GC helpers), share of its CPU in that window (info)", '%', share);
}

/**
 * The share of the machine's CPU its hypervisor stole in those windows (median per target): a
 * window's p99 follows it on this VM class, so a p99 ratio is only read as the servers' doing when
 * the targets were stolen alike (lib/host-steal.mjs). Linux only; elsewhere there is no row.
 */
function stealRow(rows, scenario, runs) {
  const share = Object.fromEntries(Object.entries(runs).map(([target, list]) => [target, median(list.map((r) => r.steal)) * 100]));
  if (Number.isFinite(share.convene)) addRow(rows, scenario, 'CPU stolen from the machine by its hypervisor in those windows (info)', '%', share);
}

function addRow(list, scenario, metric, unit, cmp, target) {
  let met = '';
  if (target) {
    const r = cmp[`x${target.vs}`] ?? cmp.value;
    const ok = target.max !== undefined ? r <= target.max : r >= target.min;
    met = Number.isFinite(r) ? (ok ? 'yes' : '**no**') : '?';
  }
  list.push({ scenario, metric, unit, ...cmp, target, met });
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main() {
  const started = performance.now();
  if (flag('profile')) {
    settings.profileDir = join(benchDir, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    mkdirSync(settings.profileDir, { recursive: true });
  }
  if (want('fanout') || want('direct') || want('throughput') || want('docs') || want('docs-throughput') || want('memory') || want('react')) build();

  const jobs = [];
  jobs.push(['fanout', async (rows) => {
    const all = {};
    for (const n of cfg.fanout.ns) {
      const runs = await repeated(`fan-out N=${n}`, ['relay', 'convene'], (t) => fanout(t, { ...cfg.fanout, n }));
      all[n] = runs;
      addRow(rows, `1 fan-out N=${n}`, 'p50', 'ms', compare(runs, 'p50', ['relay']));
      addRow(rows, `1 fan-out N=${n}`, 'p99', 'ms', compare(runs, 'p99', ['relay']), { vs: 'relay', max: 1.3 });
      addRow(rows, `1 fan-out N=${n}`, POOLED, 'ms', pooledP99(runs, ['relay']));
      addRow(rows, `1 fan-out N=${n}`, 'all-received p99', 'ms', compare(runs, 'allP99', ['relay']));
      addRow(rows, `1 fan-out N=${n}`, 'delivered', '%', pct(compare(runs, 'delivered', ['relay'])));
    }
    results.scenarios.fanout = all;
  }]);
  jobs.push(['direct', async (rows) => {
    const runs = await repeated(`direct N=${cfg.direct.n}`, ['relay', 'convene'], (t) => direct(t, cfg.direct));
    results.scenarios.direct = runs;
    addRow(rows, `2 direct N=${cfg.direct.n}`, 'p50', 'ms', compare(runs, 'p50', ['relay']));
    addRow(rows, `2 direct N=${cfg.direct.n}`, 'p99', 'ms', compare(runs, 'p99', ['relay']));
    addRow(rows, `2 direct N=${cfg.direct.n}`, POOLED, 'ms', pooledP99(runs, ['relay']));
  }]);
  jobs.push(['throughput', async (rows) => {
    const runs = await repeated(`throughput N=${cfg.throughput.n}`, ['relay', 'convene'], (t) => ramp(t, cfg.throughput));
    results.scenarios.throughput = runs;
    addRow(rows, `3 sustained N=${cfg.throughput.n}`, 'deliveries/s (p99 ≤ 50 ms, ≥ 99.9 %)', '/s', compare(runs, 'sustainedDeliveries', ['relay']), { vs: 'relay', min: 0.85 });
    addRow(rows, `3 sustained N=${cfg.throughput.n}`, 'client CPU per delivery, all client processes (info)', 'µs', compare(runs, 'clientCpuPerDelivery', ['relay']));
    addRow(rows, `3 sustained N=${cfg.throughput.n}`, `server CPU per delivery @ ${cfg.throughput.cpuRate} msg/s (${cfg.throughput.cpuRate * (cfg.throughput.n - 1)} deliveries/s)${warmNote(cfg.throughput)}`, 'µs', compare(runs, 'cpuPerDelivery', ['relay']), { vs: 'relay', max: 1.2 });
    jitRows(rows, `3 sustained N=${cfg.throughput.n}`, runs, ['relay']);
  }]);
  jobs.push(['docs', async (rows) => {
    const all = {};
    for (const n of cfg.docs.ns) {
      const runs = await repeated(`docs N=${n}`, ['relay', 'yws', 'convene'], (t) => docLatency(t, { ...cfg.docs, n }));
      all[n] = runs;
      addRow(rows, `4 doc updates N=${n}`, 'p50', 'ms', compare(runs, 'p50', ['relay', 'yws']));
      addRow(rows, `4 doc updates N=${n}`, 'p99', 'ms', compare(runs, 'p99', ['relay', 'yws']), { vs: 'yws', max: 1.0 });
      addRow(rows, `4 doc updates N=${n}`, POOLED, 'ms', pooledP99(runs, ['relay', 'yws']));
      addRow(rows, `4 doc updates N=${n}`, 'all-received p99', 'ms', compare(runs, 'allP99', ['relay', 'yws']));
      stealRow(rows, `4 doc updates N=${n}`, runs);
    }
    results.scenarios.docs = all;
  }]);
  jobs.push(['docs-throughput', async (rows) => {
    const c = cfg.docsThroughput;
    const runs = await repeated(`docs throughput N=${c.n}`, ['relay', 'yws', 'convene'], (t) => docRamp(t, c));
    results.scenarios.docsThroughput = runs;
    addRow(rows, `4 doc sustained N=${c.n}`, 'updates/s (p99 ≤ 50 ms, ≥ 99.9 %)', '/s', compare(runs, 'sustainedUpdates', ['relay', 'yws']));
    addRow(rows, `4 doc sustained N=${c.n}`, 'client CPU per delivered update, all client processes (info)', 'µs', compare(runs, 'clientCpuPerDelivery', ['relay', 'yws']));
    addRow(rows, `4 doc sustained N=${c.n}`, `server CPU per delivered update @ ${c.cpuRate} updates/s (${c.cpuRate * (c.n - 1)} deliveries/s)${warmNote(c)}`, 'µs', compare(runs, 'cpuPerDelivery', ['relay', 'yws']), { vs: 'yws', max: 0.75 });
    jitRows(rows, `4 doc sustained N=${c.n}`, runs, ['relay', 'yws']);
  }]);
  jobs.push(['memory', async (rows) => {
    const c = cfg.memory;
    const heapDir = flag('heap') ? join(benchDir, 'profiles', 'heap') : null;
    if (heapDir) mkdirSync(heapDir, { recursive: true });
    const runs = await repeated(`idle memory ${c.connections} conns`, ['relay', 'convene'], (t) => idleMemory(t, { ...c, heapDir }), c.reps);
    if (heapDir) {
      results.heap = Object.fromEntries(['relay', 'convene'].map((t) => [t, heapDiff(`${heapDir}/${t}-before.heapsnapshot`, `${heapDir}/${t}-after.heapsnapshot`, c.connections - Math.floor(c.connections / 2))]));
    }
    results.scenarios.memory = runs;
    const label = `5 idle memory (${c.connections} conns, ${c.rooms} rooms)`;
    addRow(rows, label, 'heap + external per connection (added by the 2nd half, second pass)', 'B', compare(runs, 'heapExternalPerConn', ['relay']), { vs: 'relay', max: 1.3 });
    addRow(rows, label, 'the same on the first pass, JIT still compiling (info)', 'B', compare(runs, 'firstPassHeapExternalPerConn', ['relay']));
    addRow(rows, label, 'RSS per connection (first pass)', 'B', compare(runs, 'rssPerConn', ['relay']));
  }]);
  jobs.push(['bundle', async (rows) => {
    log('bench: bundle sizes');
    const sizes = await bundleSizes();
    results.scenarios.bundle = sizes;
    for (const [name, s] of Object.entries(sizes)) {
      if (s.budget === null) addRow(rows, `6 bundle ${label(name)}`, 'gzip (information, no budget)', 'B', { convene: s.gzip });
      else addRow(rows, `6 bundle ${label(name)}`, `gzip (budget ${s.budget / 1000} kB)`, 'B', { convene: s.gzip, value: s.gzip / s.budget }, { vs: 'budget', max: 1 });
    }
  }]);
  jobs.push(['react', async (rows) => {
    log('bench: react renders');
    const r = await reactRenders(cfg.react);
    results.scenarios.react = r;
    const label = `7 React (${r.participants} participants, ${fmt(r.attributeChangesPerSec, 0)} attr changes/s, ${fmt(r.messagesPerSec, 0)} msg/s)`;
    addRow(rows, label, 'renders per change, changed participant row', '', { convene: r.rowRendersPerChange, value: r.maxRowRendersPerChange }, { vs: 'max', max: 1 });
    addRow(rows, label, `renders, ${r.idleRows} rows whose participant did not change`, '', { convene: r.idleRowRenders, value: r.idleRowRenders }, { vs: 'zero', max: 0 });
    addRow(rows, label, 'renders/s, participant list (all participants)', '/s', { convene: r.participantListPerSec });
    addRow(rows, label, 'renders per message, message list', '', { convene: r.messageListPerMessage, value: r.messageListPerMessage }, { vs: 'one', max: 1 });
    addRow(rows, label, 'renders, connection status + local participant', '', { convene: r.connectionStatusRenders + r.localParticipantRenders, value: r.connectionStatusRenders + r.localParticipantRenders }, { vs: 'zero', max: 0 });
  }]);
  const selected = jobs.filter(([name]) => want(name));
  // Smoke mode checks that the harness works, not timings: its scenarios run side by side.
  const runJob = async ([, job]) => {
    const list = [];
    await job(list);
    return list;
  };
  const outputs = [];
  if (mode === 'smoke') outputs.push(...(await Promise.all(selected.map(runJob))));
  else for (const job of selected) outputs.push(await runJob(job));
  rows.push(...outputs.flat());
  results.elapsedSeconds = Math.round((performance.now() - started) / 1000);
  results.table = rows;
  if (settings.profileDir) results.profiles = summarizeProfiles(settings.profileDir);
  const table = render(rows);
  const out = option('json') ?? join(benchDir, 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, (_, v) => (v === Infinity ? 'Infinity' : v), 1)}\n`);
  process.stdout.write(`\n${table}\n`);
  if (results.profiles) process.stdout.write(`\n${results.profiles.text}\n`);
  process.stdout.write(`\n${mode} run, ${reps} repetition(s), ${results.elapsedSeconds} s; machine: ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.machine.loadAverage.join(' ')}; JSON: ${out}\n`);
}

function pct(cmp) {
  return Object.fromEntries(Object.entries(cmp).map(([k, v]) => [k, k.startsWith('x') ? v : v * 100]));
}

function render(list) {
  const lines = [
    '| scenario | metric | Convene | raw relay | × relay | y-websocket | × y-ws | target | met |',
    '|---|---|---:|---:|---:|---:|---:|---|:-:|',
  ];
  for (const r of list) {
    const unit = r.unit && r.unit !== '' ? ` ${r.unit}` : '';
    const abs = (v) => (v === undefined ? '' : `${fmt(v)}${unit}`);
    const x = (v) => (v === undefined ? '' : `${fmt(v)}×`);
    let target = '';
    if (r.target) {
      const bound = r.target.max !== undefined ? `≤ ${r.target.max}` : `≥ ${r.target.min}`;
      target = ['relay', 'yws'].includes(r.target.vs) ? `${bound}× ${r.target.vs === 'yws' ? 'y-ws' : 'relay'}` : r.target.vs === 'budget' ? `≤ budget (${fmt(r.value)}×)` : `${bound}`;
    }
    lines.push(`| ${r.scenario} | ${r.metric} | ${abs(r.convene)} | ${abs(r.relay)} | ${x(r.xrelay)} | ${abs(r.yws)} | ${x(r.xyws)} | ${target} | ${r.met} |`);
  }
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
