// run-supercluster.mjs: the supercluster side of the cluster benchmark.
//
// Usage: node --expose-gc run-supercluster.mjs build|query POINTS VIEWPORTS
//            RADIUS EXTENT MIN_POINTS MIN_ZOOM MAX_ZOOM
//
// "build" loads the points once and prints the build time and the peak
// memory of the load; run it in a process of its own so that nothing else
// raises the peak. "query" loads, then times getClusters over each viewport
// and counts the clusters and points of the whole world at every zoom.
// Prints one JSON object, the same fields as cluster-bench.c.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { readFileSync } from 'node:fs';
import Supercluster from 'supercluster';

function readHeader(buffer, magic, path) {
  if (buffer.toString('latin1', 0, 8) !== magic)
    throw new Error(`${path}: not a ${magic.trim()} file; rebuild it with make-inputs.mjs`);
  return buffer.readUInt32LE(8);
}

function readPoints(path) {
  const buffer = readFileSync(path);
  const n = readHeader(buffer, 'ATLPTS1\0', path);
  const features = new Array(n);
  for (let i = 0; i < n; i++) {
    features[i] = {
      type: 'Feature',
      properties: { index: i },
      geometry: {
        type: 'Point',
        coordinates: [buffer.readDoubleLE(16 + 8 * i), buffer.readDoubleLE(16 + 8 * n + 8 * i)],
      },
    };
  }
  return features;
}

function readViewports(path) {
  const buffer = readFileSync(path);
  const n = readHeader(buffer, 'ATLVPT1\0', path);
  const viewports = [];
  for (let i = 0; i < n; i++) {
    const at = (k) => buffer.readDoubleLE(16 + 40 * i + 8 * k);
    viewports.push({ zoom: at(0), bbox: [at(1), at(2), at(3), at(4)] });
  }
  return viewports;
}

function percentile(sorted, p) {
  return sorted[Math.floor(p * (sorted.length - 1))];
}

const [mode, pointsPath, viewportsPath, radius, extent, minPoints, minZoom, maxZoom] = process.argv.slice(2);
if (!['build', 'query'].includes(mode) || maxZoom === undefined) {
  console.error('Usage: node --expose-gc run-supercluster.mjs build|query POINTS VIEWPORTS RADIUS EXTENT MIN_POINTS MIN_ZOOM MAX_ZOOM');
  process.exit(2);
}

const options = {
  radius: Number(radius),
  extent: Number(extent),
  minPoints: Number(minPoints),
  minZoom: Number(minZoom),
  maxZoom: Number(maxZoom),
};
const features = readPoints(pointsPath);
const index = new Supercluster(options);
const result = { program: 'supercluster', points: features.length };

if (global.gc)
  global.gc();
const rssBefore = process.memoryUsage().rss;
const start = process.hrtime.bigint();
index.load(features);
result.build_ms = Number(process.hrtime.bigint() - start) / 1e6;
result.peak_bytes = process.resourceUsage().maxRSS * 1024 - rssBefore;

if (mode === 'query') {
  const byZoom = new Map();
  for (const { zoom, bbox } of readViewports(viewportsPath)) {
    const t0 = process.hrtime.bigint();
    index.getClusters(bbox, zoom);
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!byZoom.has(zoom))
      byZoom.set(zoom, []);
    byZoom.get(zoom).push(elapsed);
  }
  result.queries = [...byZoom].map(([zoom, times]) => {
    times.sort((a, b) => a - b);
    return { zoom, n: times.length, p50_ms: percentile(times, 0.5), p95_ms: percentile(times, 0.95) };
  });

  result.zooms = [];
  for (let zoom = options.minZoom; zoom <= options.maxZoom + 1; zoom++) {
    let clusters = 0;
    let singles = 0;
    let points = 0;
    for (const feature of index.getClusters([-180, -90, 180, 90], zoom)) {
      if (feature.properties.cluster) {
        clusters++;
        points += feature.properties.point_count;
      } else {
        singles++;
        points++;
      }
    }
    result.zooms.push({ zoom, clusters, singles, points });
  }
}

console.log(JSON.stringify(result));
