// summarize.mjs: turns the raw results of bench/run's national-scale sections
// into one summary line per figure, with its ratio and target, and a
// Markdown growth table.
//
// Usage: node summarize.mjs RESULTS_DIR
//
// Reads from RESULTS_DIR (files that are missing are skipped):
//   import.json               {n_actions, seconds, peak_rss_kib}
//   startup-SIZE-K.json       app-bench startup, K = 1, 2, ...
//   window-SIZE.json          app-bench window --passes 1
//   points-SIZE.json          app-bench points
//   cluster-SIZE-build.json   cluster-bench build (app options)
//   cluster-SIZE-query.json   cluster-bench query (app options)
// Writes RESULTS_DIR/summary.md and exits with 1 when a target is missed.
//
// SPDX-License-Identifier: GPL-3.0-or-later
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SIZES = [0, 1000, 10000, 100000, 1000000];
const REFERENCE = 100000;

// Targets of the national-scale requirement.
const FRAME_RATIO_TARGET = 1.3;   // frame work at 100,000 / empty map
const SLOW_FRAME_MS = 33;         // no frame over this at 100,000
const STARTUP_RATIO_TARGET = 1.5; // start-up at 100,000 / empty store

const dir = process.argv[2];
if (!dir) {
  console.error('Usage: node summarize.mjs RESULTS_DIR');
  process.exit(2);
}

function read(name) {
  const path = join(dir, name);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[(sorted.length - 1) >> 1] : NaN;
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const label = (n) => n.toLocaleString('en-US');

let missed = false;
function line(figure, text, ok) {
  const verdict = ok === undefined ? '' : ok ? '  [target met]' : '  [TARGET MISSED]';
  if (ok === false) missed = true;
  console.log(`${figure}: ${text}${verdict}`);
}

// Import throughput.
const imported = read('import.json');
if (imported) {
  line('import/100k-json',
       `${label(imported.n_actions)} actions in ${fmt(imported.seconds, 1)} s, ` +
       `${fmt(imported.n_actions / imported.seconds, 0)} actions/s, ` +
       `peak RSS ${fmt(imported.peak_rss_kib / 1024, 0)} MiB`);
}

// Start-up: the median of the launches of each store.
const startups = {};
for (const size of [0, REFERENCE]) {
  const runs = readdirSync(dir)
    .filter((f) => f.startsWith(`startup-${size}-`) && f.endsWith('.json'))
    .map((f) => read(f));
  if (runs.length) {
    startups[size] = {
      n: runs.length,
      clusters: median(runs.map((r) => r.startup.clusters_frame)),
      first: median(runs.map((r) => r.startup.first_frame)),
      loaded: median(runs.map((r) => r.startup.loaded)),
    };
  }
}
if (startups[0] && startups[REFERENCE]) {
  const ratio = startups[REFERENCE].clusters / startups[0].clusters;
  line('startup/first-clusters-frame',
       `empty ${fmt(startups[0].clusters, 0)} ms, 100k ${fmt(startups[REFERENCE].clusters, 0)} ms ` +
       `(median of ${startups[REFERENCE].n} launches; window first frame ` +
       `${fmt(startups[0].first, 0)} / ${fmt(startups[REFERENCE].first, 0)} ms), ` +
       `ratio ${fmt(ratio, 2)} (target <= ${STARTUP_RATIO_TARGET})`,
       ratio <= STARTUP_RATIO_TARGET);
}

// Frame time and memory per store size.
const windows = Object.fromEntries(SIZES.map((s) => [s, read(`window-${s}.json`)]));
const empty = windows[0];
for (const size of SIZES) {
  const w = windows[size];
  if (!w || !w.frame_cpu) continue;
  const name = `frames/${label(size)}`;
  const parts = [
    `work p50/p95/max ${fmt(w.frame_wall.p50)}/${fmt(w.frame_wall.p95)}/${fmt(w.frame_wall.max)} ms wall, ` +
    `${fmt(w.frame_cpu.p50)}/${fmt(w.frame_cpu.p95)}/${fmt(w.frame_cpu.max)} ms CPU`,
    `layer p50/p95/max ${fmt(w.layer_cpu.p50, 2)}/${fmt(w.layer_cpu.p95, 2)}/${fmt(w.layer_cpu.max, 2)} ms CPU`,
    `${w.frame_wall.over_33ms} of ${w.frames} frames over 33 ms wall (${w.frame_cpu.over_33ms} by CPU)`,
  ];
  // Where those frames' wall time went: the main thread's CPU time, its
  // wait for a CPU, its sleeps (X server replies, locks) and the CPU time
  // of the app's other threads (tile renders) meanwhile.
  if (w.slow_frames) {
    const s = w.slow_frames;
    parts[2] += `, mean of those: ${fmt(s.cpu_mean)} ms CPU, ${fmt(s.runqueue_mean)} ms waiting for a CPU, ` +
      `${fmt(s.blocked_mean)} ms blocked, other threads ${fmt(s.other_threads_cpu_mean)} ms CPU`;
  }
  let ok;
  if (empty && empty.frame_cpu && size > 0) {
    const ratio = w.frame_cpu.p50 / empty.frame_cpu.p50;
    const ratio95 = w.frame_cpu.p95 / empty.frame_cpu.p95;
    parts.push(`ratio to empty p50 ${fmt(ratio, 2)}, p95 ${fmt(ratio95, 2)}`);
    if (size === REFERENCE) {
      parts.push(`(target <= ${FRAME_RATIO_TARGET} and no frame over ${SLOW_FRAME_MS} ms)`);
      ok = ratio <= FRAME_RATIO_TARGET && ratio95 <= FRAME_RATIO_TARGET && w.frame_wall.over_33ms === 0;
    }
  }
  line(name, parts.join('; '), ok);
}
for (const size of SIZES) {
  const w = windows[size];
  if (!w || !w.memory_idle) continue;
  const base = empty && empty.memory_idle ? empty.memory_idle.rss_mib : NaN;
  line(`memory/${label(size)}`,
       `VmRSS ${fmt(w.memory_idle.rss_mib, 0)} MiB, VmHWM ${fmt(w.memory_idle.hwm_mib, 0)} MiB ` +
       `once drawn and idle (${fmt(w.memory_idle.rss_mib - base, 0)} MiB over the empty store, ` +
       `ratio ${fmt(w.memory_idle.rss_mib / base, 2)})`);
}

// Growth table.
const rows = [
  '| actions | map points | load points (ms) | index build (ms) | index query p50/p95 (ms) ' +
  '| frame work p50/p95/max (ms CPU) | layer p50/p95 (ms CPU) | VmRSS idle (MiB) | main () to clusters frame (ms) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const size of SIZES) {
  const points = read(`points-${size}.json`);
  const build = read(`cluster-${size}-build.json`);
  const query = read(`cluster-${size}-query.json`);
  const w = windows[size];
  if (!points && !w) continue;

  let queryText = 'n/a';
  if (query && query.queries) {
    // The median of the per-zoom medians and the worst per-zoom p95.
    queryText = `${fmt(median(query.queries.map((q) => q.p50_ms)), 3)}/` +
                `${fmt(Math.max(...query.queries.map((q) => q.p95_ms)), 3)}`;
  }
  const start = w && w.startup ? w.startup.clusters_frame : NaN;
  rows.push(`| ${label(size)} | ${points ? label(points.n_points) : 'n/a'} ` +
            `| ${points ? fmt(points.load_points_ms, 0) : 'n/a'} ` +
            `| ${build ? fmt(build.build_ms, 0) : 'n/a'} | ${queryText} ` +
            `| ${w && w.frame_cpu ? `${fmt(w.frame_cpu.p50)}/${fmt(w.frame_cpu.p95)}/${fmt(w.frame_cpu.max)}` : 'n/a'} ` +
            `| ${w && w.layer_cpu ? `${fmt(w.layer_cpu.p50, 2)}/${fmt(w.layer_cpu.p95, 2)}` : 'n/a'} ` +
            `| ${w && w.memory_idle ? fmt(w.memory_idle.rss_mib, 0) : 'n/a'} ` +
            `| ${fmt(start, 0)} |`);
}
writeFileSync(join(dir, 'summary.md'), rows.join('\n') + '\n');
console.log(`growth table: ${join(dir, 'summary.md')}`);

process.exit(missed ? 1 : 0);
