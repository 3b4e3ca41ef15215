// compare.mjs: prints the cluster benchmark's summary lines, each Atlaas
// figure with its ratio to supercluster's, and checks the targets.
//
// Usage: node compare.mjs LABEL ATLAAS_BUILDS ATLAAS_QUERY SUPERCLUSTER_BUILDS
//            SUPERCLUSTER_QUERY
// Each argument after LABEL names JSON files written by cluster-bench or
// run-supercluster.mjs; the BUILDS arguments list the runs of one build,
// separated by commas. The build time is the fastest run, the least
// disturbed by other processes; the peak memory is the median run. Exits
// with status 1 if a target is missed.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { readFileSync } from 'node:fs';

const TARGETS = {
  buildSpeedup: 5,        // supercluster build time / Atlaas build time, at least
  memoryRatio: 0.5,       // Atlaas peak memory / supercluster's, at most
  queryP95Ms: 0.2,        // Atlaas viewport query p95, under
  clusterCountDrift: 0.02 // |Atlaas clusters / supercluster clusters - 1|, at most
};

const [label, ...paths] = process.argv.slice(2);
if (paths.length !== 4) {
  console.error('Usage: node compare.mjs LABEL ATLAAS_BUILD ATLAAS_QUERY SUPERCLUSTER_BUILD SUPERCLUSTER_QUERY');
  process.exit(2);
}
const readRuns = (list) => list.split(',').map((p) => JSON.parse(readFileSync(p, 'utf8')));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
function summarize(runs) {
  return {
    runs: runs.length,
    build_ms: Math.min(...runs.map((r) => r.build_ms)),
    peak_bytes: median(runs.map((r) => r.peak_bytes)),
  };
}
const atlaasBuild = summarize(readRuns(paths[0]));
const scBuild = summarize(readRuns(paths[2]));
const [atlaasQuery, scQuery] = [paths[1], paths[3]].map((p) => JSON.parse(readFileSync(p, 'utf8')));

const failures = [];
function ratio(a, b) {
  if (b !== 0)
    return a / b;
  return a === 0 ? 1 : Infinity;
}
const mb = (bytes) => (bytes / 1048576).toFixed(1);

function line(name, ours, theirs, unit, r, verdict) {
  let mark = '';
  if (verdict !== undefined)
    mark = verdict ? '  ok' : '  MISSED';
  console.log(`${label}  ${name.padEnd(24)} atlaas ${ours.padStart(10)} ${unit.padEnd(3)} supercluster ${theirs.padStart(10)} ${unit.padEnd(3)} ratio ${r.toFixed(3)}${mark}`);
  if (verdict === false)
    failures.push(name);
}

const buildRatio = ratio(atlaasBuild.build_ms, scBuild.build_ms);
line(`build time (best of ${atlaasBuild.runs})`, atlaasBuild.build_ms.toFixed(1), scBuild.build_ms.toFixed(1), 'ms', buildRatio,
  buildRatio <= 1 / TARGETS.buildSpeedup);

const memoryRatio = ratio(atlaasBuild.peak_bytes, scBuild.peak_bytes);
line(`peak memory (median)`, mb(atlaasBuild.peak_bytes), mb(scBuild.peak_bytes), 'MiB', memoryRatio,
  memoryRatio <= TARGETS.memoryRatio);

for (const ours of atlaasQuery.queries) {
  const theirs = scQuery.queries.find((q) => q.zoom === ours.zoom);
  line(`query z${ours.zoom} p50`, ours.p50_ms.toFixed(4), theirs.p50_ms.toFixed(4), 'ms', ratio(ours.p50_ms, theirs.p50_ms));
  line(`query z${ours.zoom} p95`, ours.p95_ms.toFixed(4), theirs.p95_ms.toFixed(4), 'ms', ratio(ours.p95_ms, theirs.p95_ms),
    ours.p95_ms < TARGETS.queryP95Ms);
}

for (const ours of atlaasQuery.zooms) {
  const theirs = scQuery.zooms.find((z) => z.zoom === ours.zoom);
  const clusterRatio = ratio(ours.clusters, theirs.clusters);
  line(`z${ours.zoom} clusters`, String(ours.clusters), String(theirs.clusters), '', clusterRatio,
    Math.abs(clusterRatio - 1) <= TARGETS.clusterCountDrift);
  line(`z${ours.zoom} points represented`, String(ours.points), String(theirs.points), '', ratio(ours.points, theirs.points),
    ours.exactly_once && ours.points === atlaasQuery.points);
}

if (failures.length > 0) {
  console.log(`${label}  targets missed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log(`${label}  all targets met`);
